namespace Mesh.ConfirmedOrders;

/// <summary>Where to read from; see <see cref="Usage"/>.</summary>
public sealed record ConfirmedOrdersOptions(string BrokerUrl, string Exchange = "mesh.events", string Queue = "examples.confirmed-orders", int? Count = null)
{
    public const string Usage = """
        Prints every order the Mesh confirms, from RabbitMQ.

        Usage: dotnet run --project examples/Mesh.ConfirmedOrders -- --broker URL [--exchange NAME] [--queue NAME] [--count N]

          --broker URL      the broker, e.g. amqp://guest:guest@127.0.0.1:5672/ [MESH_BROKER]
          --exchange NAME   the Mesh event exchange, default mesh.events
          --queue NAME      this consumer's durable queue, default examples.confirmed-orders
          --count N         exit after N confirmed orders (default: run until Ctrl-C)
        """;

    /// <summary>The options from <paramref name="args"/>, or null when they are incomplete (print <see cref="Usage"/>).</summary>
    public static ConfirmedOrdersOptions? Parse(IReadOnlyList<string> args, string? brokerFromEnvironment)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 0; index + 1 < args.Count; index += 2)
        {
            values[args[index]] = args[index + 1];
        }

        var broker = values.GetValueOrDefault("--broker") ?? brokerFromEnvironment;
        if (args.Count % 2 != 0 || string.IsNullOrWhiteSpace(broker) || values.Keys.Any(key => key is not ("--broker" or "--exchange" or "--queue" or "--count")))
        {
            return null;
        }

        int? count = values.TryGetValue("--count", out var text) && int.TryParse(text, out var parsed) && parsed > 0 ? parsed : null;
        return new ConfirmedOrdersOptions(broker, values.GetValueOrDefault("--exchange") ?? "mesh.events", values.GetValueOrDefault("--queue") ?? "examples.confirmed-orders", count);
    }
}
