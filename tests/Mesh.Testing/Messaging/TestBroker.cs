namespace Mesh.Testing.Messaging;

/// <summary>
/// The RabbitMQ node the messaging tests share: the one in <c>MESH_TEST_RABBITMQ</c> (tests/run-all.sh
/// starts it with tests/start-test-rabbitmq.sh), or else one this test process starts on first use and
/// stops when it exits. Tests keep apart by names of their own (<see cref="UniqueName"/>); a test that
/// stops or restarts its broker takes a private <see cref="RabbitMqNode"/> instead.
/// </summary>
public static class TestBroker
{
    public const string Variable = "MESH_TEST_RABBITMQ";

    private static readonly Lazy<Task<RabbitMqNode>> Own = new(StartOwnAsync);

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why messaging tests are skipped, or null when they run (always under CI=true, where a missing broker fails them).</summary>
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } && !RabbitMqNode.IsInstalled && !InCi
            ? $"RabbitMQ is not installed (apt-get install rabbitmq-server) and {Variable} is not set; messaging tests skipped. CI=true makes this a failure."
            : null;

    /// <summary>The shared broker's AMQP URL.</summary>
    public static async Task<string> UrlAsync() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url : (await Own.Value).Url;

    /// <summary>A name no other test uses, for exchanges and queues on the shared broker.</summary>
    public static string UniqueName(string purpose) => $"test.{purpose}.{Guid.NewGuid():N}";

    private static async Task<RabbitMqNode> StartOwnAsync()
    {
        var node = await RabbitMqNode.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => node.DisposeNow();
        return node;
    }
}
