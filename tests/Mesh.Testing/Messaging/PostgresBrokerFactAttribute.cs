using Mesh.Testing.Postgres;
using Xunit;

namespace Mesh.Testing.Messaging;

/// <summary>A test that needs RabbitMQ and PostgreSQL: skipped with the reason when either is missing (never under CI=true).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresBrokerFactAttribute : FactAttribute
{
    public PostgresBrokerFactAttribute()
    {
        if ((PostgresServer.SkipReason ?? TestBroker.SkipReason) is { } reason)
        {
            Skip = reason;
        }
    }
}
