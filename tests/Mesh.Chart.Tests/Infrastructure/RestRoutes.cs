using System.Text.Json.Nodes;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>The REST routes values.yaml gives each service (services.&lt;name&gt;.http.routes).</summary>
public static class RestRoutes
{
    /// <summary>Every route of every service, as (path, pathType, service).</summary>
    public static IReadOnlyList<PathRule> FromChartValues()
    {
        var services = YamlJson.LoadFile(RepositoryPaths.ChartValues)?["services"]?.AsObject();
        Assert.NotNull(services);
        return services
            .SelectMany(service => ((JsonArray?)YamlJson.At(service.Value, "http.routes") ?? [])
                .Select(route => new PathRule((string)route!["path"]!, (string)route["pathType"]!, service.Key)))
            .ToArray();
    }

    /// <summary>Request paths a route must send to its service: its own path and, for a prefix, paths below it.</summary>
    public static IEnumerable<string> RequestsFor(PathRule route) =>
        route.PathType == "Prefix" ? [route.Path, route.Path + "/", route.Path + "/sample-id", route.Path + "/sample-id:verb"] : [route.Path];
}
