using Xunit;

namespace Mesh.Testing.Messaging;

/// <summary>A test that needs RabbitMQ: skipped with the reason when there is none (never under CI=true).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrokerFactAttribute : FactAttribute
{
    public BrokerFactAttribute()
    {
        if (TestBroker.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
