using Xunit;
namespace Mesh.Testing.Postgres;

/// <summary>A PostgreSQL-only test: skipped with the reason when no server is configured (never under CI=true).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
