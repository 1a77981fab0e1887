using System.Globalization;
using Grpc.Net.Client.Balancer;

namespace Mesh.ServiceDefaults.Clients;

/// <summary>
/// Resolves <c>static:///host1:port1,host2:port2</c> to that fixed list of endpoints: several
/// replicas without DNS (each on its own loopback address locally and in the chaos tests), balanced
/// and health-checked exactly as a <c>dns:///</c> headless Service's pods are.
/// </summary>
public sealed class EndpointListResolverFactory : ResolverFactory
{
    public const string Scheme = "static";

    private static readonly StaticResolverFactory Inner = new(Parse);

    public override string Name => Scheme;

    public override Resolver Create(ResolverOptions options) => Inner.Create(options);

    /// <summary>The endpoints in <paramref name="address"/>'s path; a malformed entry is a configuration error.</summary>
    public static IReadOnlyList<BalancerAddress> Parse(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var entries = address.AbsolutePath.Trim('/').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            throw new InvalidOperationException($"'{address}' lists no endpoints; write static:///host:port,host:port.");
        }

        return [.. entries.Select(entry =>
        {
            var colon = entry.LastIndexOf(':');
            return colon > 0 && int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? new BalancerAddress(entry[..colon].Trim('[', ']'), port)
                : throw new InvalidOperationException($"'{entry}' in '{address}' is not host:port.");
        })];
    }
}
