namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>A path an Ingress or HTTPRoute sends somewhere: Exact or Prefix (the HTTPRoute's PathPrefix), and where to.</summary>
public sealed record PathRule(string Path, string PathType, string Backend)
{
    public override string ToString() => $"{PathType} {Path} -> {Backend}";
}

/// <summary>
/// Which rule a request path is routed by, as Kubernetes defines it for Ingress and the Gateway API
/// for HTTPRoute (the two agree on these path types). Exact: the path alone, case-sensitive, a
/// trailing slash included. Prefix: whole `/`-separated elements, a trailing slash on either side
/// ignored, so /v1/items matches /v1/items and /v1/items/BOOK-42 but neither /v1/itemsx nor
/// /v1/items:watch. Of the matching rules an Exact one wins, then the longest prefix.
/// </summary>
public static class PathRouting
{
    public static bool Matches(PathRule rule, string requestPath) => rule.PathType switch
    {
        "Exact" => requestPath == rule.Path,
        "Prefix" => IsElementPrefix(Elements(rule.Path), Elements(requestPath)),
        _ => throw new InvalidOperationException($"unsupported path type {rule.PathType}"),
    };

    /// <summary>The matching rules of the highest precedence: one rule, or several when the routing is ambiguous; none when nothing matches.</summary>
    public static IReadOnlyList<PathRule> Winners(IEnumerable<PathRule> rules, string requestPath)
    {
        var matching = rules.Where(rule => Matches(rule, requestPath)).ToArray();
        if (matching.Length == 0)
        {
            return [];
        }

        var best = matching.Max(Precedence);
        return matching.Where(rule => Precedence(rule) == best).ToArray();
    }

    /// <summary>Where a request path goes; fails when nothing matches or rules of equal precedence disagree.</summary>
    public static string Route(IEnumerable<PathRule> rules, string requestPath)
    {
        var winners = Winners(rules, requestPath);
        Assert.True(winners.Count > 0, $"{requestPath} matches no rule");
        var backends = winners.Select(rule => rule.Backend).Distinct().ToArray();
        Assert.True(backends.Length == 1, $"{requestPath} matches rules of equal precedence for different backends: {string.Join(", ", winners)}");
        return backends[0];
    }

    private static (int Exact, int Length) Precedence(PathRule rule) =>
        (rule.PathType == "Exact" ? 1 : 0, rule.Path.TrimEnd('/').Length);

    private static string[] Elements(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static bool IsElementPrefix(string[] prefix, string[] path) =>
        prefix.Length <= path.Length && prefix.SequenceEqual(path.Take(prefix.Length), StringComparer.Ordinal);
}
