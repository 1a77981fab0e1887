using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>
/// The optional Gateway API HTTPRoute of the REST side, evaluated with the Gateway API's path
/// matching (Exact, and PathPrefix by whole path elements): every REST path reaches its own
/// service's http port, and nothing else is routed.
/// </summary>
public sealed class HttpRouteTests
{
    private static readonly string[] Enabled =
        ["--set", "auth.allowUnauthenticatedPublicAccess=true", "--set", "httpRoute.enabled=true", "--set-json", """httpRoute.parentRefs=[{"name":"public","namespace":"gateway-system","sectionName":"https"}]"""];

    [Fact]
    public async Task HttpRoute_Default_IsNotRendered()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);

        Assert.Empty(chart.HttpRoutes);
    }

    [Fact]
    public async Task HttpRoute_Enabled_AttachesToTheParentsForTheHostnamesGiven()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. Enabled, "--set", "httpRoute.hostnames={api.example.com}"]);
        var route = Assert.Single(chart.HttpRoutes);

        Assert.Equal("gateway.networking.k8s.io/v1", route.ApiVersion);
        Assert.Equal(ChartRenderer.Namespace, route.Metadata.NamespaceProperty);
        var parent = Assert.Single(route.Spec.ParentRefs);
        Assert.Equal(("public", "gateway-system", "https"), (parent.Name, parent.Namespace, parent.SectionName));
        Assert.Equal(["api.example.com"], route.Spec.Hostnames);
    }

    [Fact]
    public async Task HttpRoute_Enabled_SendsEveryRestRequestToItsServiceAndNothingElse()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, Enabled);
        var rules = Rules(chart, Assert.Single(chart.HttpRoutes));

        Assert.Null(Assert.Single(chart.HttpRoutes).Spec.Hostnames);
        foreach (var (request, service) in MeshFacts.RestRequests)
        {
            Assert.Equal(service, PathRouting.Route(rules, request));
        }

        Assert.All(MeshFacts.UnservedPaths, request => Assert.Empty(PathRouting.Winners(rules, request)));
    }

    [Fact]
    public async Task HttpRoute_Enabled_HasOneRulePerValuesRouteToThatService()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, Enabled);
        var routes = RestRoutes.FromChartValues();

        var rules = Rules(chart, Assert.Single(chart.HttpRoutes));

        Assert.Equal(routes.Select(route => route.ToString()).Order(), rules.Select(rule => rule.ToString()).Order());
        foreach (var route in routes)
        {
            Assert.All(RestRoutes.RequestsFor(route), request => Assert.Equal(route.Backend, PathRouting.Route(rules, request)));
        }
    }

    [Fact]
    public async Task HttpRoute_HttpPortSetForOneService_BackendRefFollowsIt()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. Enabled, "--set", "services.orders.service.httpPort=80"]);

        var route = Assert.Single(chart.HttpRoutes);
        var rules = Rules(chart, route);

        Assert.Equal("orders", PathRouting.Route(rules, "/v1/orders/abc:cancel"));
        var ports = route.Spec.Rules.Select(rule => rule.BackendRefs.Single()).ToLookup(backend => backend.Name, backend => backend.Port);
        Assert.Equal([80], ports[$"{ChartRenderer.ReleaseName}-orders"].Distinct());
        Assert.Equal([MeshFacts.HttpContainerPort], ports[$"{ChartRenderer.ReleaseName}-users"].Distinct());
    }

    [Theory]
    [InlineData(4)]
    [InlineData(3)]
    public async Task HttpRoute_EnabledWithoutParentRefs_IsRejectedByTheSchema(int helmMajor)
    {
        var helm = await HelmInstallation.MajorAsync(helmMajor);

        var result = await ChartRenderer.TemplateAsync(helm, ["--set", "httpRoute.enabled=true"]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("schema", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("parentRefs", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpRoute_SchemaSkipped_TemplateStillRefusesNoParentRefsAndMoreThanSixteenRules()
    {
        var helm = await HelmInstallation.Helm4Async();
        var seventeen = string.Join(',', Enumerable.Range(0, 17).Select(index => $$"""{"path":"/v1/users-{{index}}","pathType":"Exact"}"""));

        var noParents = await ChartRenderer.TemplateAsync(helm, ["--skip-schema-validation", "--set", "auth.allowUnauthenticatedPublicAccess=true", "--set", "httpRoute.enabled=true"]);
        var tooMany = await ChartRenderer.TemplateAsync(helm, [.. Enabled, "--set-json", $"services.users.http.routes=[{seventeen}]"]);

        Assert.False(noParents.Succeeded, noParents.ToString());
        Assert.Contains("attached to no Gateway", noParents.StandardError, StringComparison.Ordinal);
        Assert.False(tooMany.Succeeded, tooMany.ToString());
        Assert.Contains("at most 16 rules", tooMany.StandardError, StringComparison.Ordinal);
    }

    /// <summary>The HTTPRoute's rules, each resolved to the service whose http port its one backend reaches.</summary>
    private static List<PathRule> Rules(RenderedChart chart, GatewayHttpRoute route) =>
        route.Spec.Rules.Select(rule =>
        {
            var match = Assert.Single(rule.Matches);
            Assert.NotNull(match.Path);
            var pathType = match.Path.Type switch
            {
                "PathPrefix" => "Prefix",
                "Exact" => "Exact",
                var other => throw new InvalidOperationException($"unexpected path match type {other}"),
            };
            return new PathRule(match.Path.Value, pathType, Backend(chart, Assert.Single(rule.BackendRefs)));
        }).ToList();

    /// <summary>The service a backendRef reaches: a core Service in the release's namespace, on the port that targets the container's http port.</summary>
    private static string Backend(RenderedChart chart, GatewayHttpBackendRef backend)
    {
        Assert.True(backend.Group is null or "", $"backendRef group {backend.Group}");
        Assert.True(backend.Kind is null or "Service", $"backendRef kind {backend.Kind}");
        Assert.Null(backend.Namespace);
        var service = chart.Service(backend.Name);
        Assert.Null(service.Spec.ClusterIP);
        var port = Assert.Single(service.Spec.Ports, port => port.Port == backend.Port);
        var name = chart.ServiceSelecting(service);
        var http = chart.ContainerPort(name, "http");
        Assert.True(
            port.TargetPort.Value == http.Name || port.TargetPort.Value == http.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{backend.Name}:{backend.Port} does not reach the container's http port");
        return name;
    }
}
