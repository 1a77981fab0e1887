using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>
/// The containers' second port: HTTP/1.1 for REST/JSON, gRPC-Web and OpenAPI, configured by the
/// Mesh__Http__* variables (the listener, the CORS origins, the /docs page).
/// </summary>
public sealed class HttpPortTests
{
    private const string CorsPrefix = "Mesh__Http__CorsOrigins__";

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Containers_EveryService_ListenOnGrpcAndHttpWithTheHttpListenerOnThePortNamedHttp(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var name in MeshFacts.Services)
        {
            Assert.Equal(["grpc", "http", "metrics"], chart.Container(name).Ports.Select(port => port.Name).Order());
            var http = chart.ContainerPort(name, "http");
            Assert.Equal(MeshFacts.HttpContainerPort, http.ContainerPort);
            Assert.Equal("TCP", http.Protocol);
            Assert.Equal(MeshFacts.ContainerPort, chart.ContainerPort(name, "grpc").ContainerPort);

            // The service listens where the Service and the NetworkPolicy send HTTP/1.1: plain http, all interfaces, that port.
            var urls = new Uri(chart.Environment(name)["Mesh__Http__Urls"].Value);
            Assert.Equal("http", urls.Scheme);
            Assert.Equal("0.0.0.0", urls.Host);
            Assert.Equal(http.ContainerPort, urls.Port);
        }
    }

    [Fact]
    public async Task CorsOrigins_Default_RenderNoVariableAndDocsOff()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);

        foreach (var name in MeshFacts.Services)
        {
            Assert.DoesNotContain(chart.Environment(name).Keys, key => key.StartsWith(CorsPrefix, StringComparison.Ordinal));
            Assert.Equal("false", chart.Environment(name)["Mesh__Http__Docs"].Value);
        }
    }

    [Fact]
    public async Task CorsOrigins_SetForAllAndOverriddenForOne_RenderAsIndexedVariablesInOrder()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults,
            "--set", "serviceDefaults.http.corsAllowedOrigins={https://app.example.com,http://localhost:5173}",
            "--set", "services.orders.http.corsAllowedOrigins={https://shop.example.com}");

        Assert.Equal(["https://app.example.com", "http://localhost:5173"], CorsOrigins(chart, "users"));
        Assert.Equal(["https://app.example.com", "http://localhost:5173"], CorsOrigins(chart, "inventory"));
        Assert.Equal(["https://shop.example.com"], CorsOrigins(chart, "orders"));
    }

    [Fact]
    public async Task Docs_SetForOneService_TurnsOnOnlyItsDocsPage()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "services.inventory.http.docs=true");

        Assert.Equal("true", chart.Environment("inventory")["Mesh__Http__Docs"].Value);
        Assert.Equal("false", chart.Environment("users")["Mesh__Http__Docs"].Value);
        Assert.Equal("false", chart.Environment("orders")["Mesh__Http__Docs"].Value);
    }

    /// <summary>The origins as ASP.NET Core binds Mesh__Http__CorsOrigins__0, __1, ...: a list in index order, with no gap.</summary>
    private static List<string> CorsOrigins(RenderedChart chart, string service)
    {
        var byIndex = chart.Environment(service).Values
            .Where(variable => variable.Name.StartsWith(CorsPrefix, StringComparison.Ordinal))
            .ToDictionary(variable => int.Parse(variable.Name[CorsPrefix.Length..], System.Globalization.CultureInfo.InvariantCulture), variable => variable.Value);
        Assert.Equal(Enumerable.Range(0, byIndex.Count), byIndex.Keys.Order());
        return byIndex.OrderBy(entry => entry.Key).Select(entry => entry.Value).ToList();
    }
}
