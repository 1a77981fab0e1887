using System.Globalization;
using Mesh.Chart.Tests.Infrastructure;
using k8s.Models;

namespace Mesh.Chart.Tests;

/// <summary>
/// The optional Ingress of the REST side, evaluated with the path matching Kubernetes defines
/// (Exact, and Prefix by whole path elements): every REST path reaches its own service's http port,
/// and nothing else is routed.
/// </summary>
public sealed class IngressTests
{
    private static readonly string[] Enabled = ["--set", "auth.allowUnauthenticatedPublicAccess=true", "--set", "ingress.enabled=true"];

    [Fact]
    public async Task Ingress_Default_IsNotRendered()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);

        Assert.Empty(chart.Ingresses);
    }

    [Fact]
    public async Task Ingress_EnabledWithHosts_SendsEveryRestRequestOnEveryHostToItsServiceAndNothingElse()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. Enabled, "--set", "ingress.hosts={api.example.com,admin.example.com}"]);
        var ingress = Assert.Single(chart.Ingresses);

        Assert.Equal(["admin.example.com", "api.example.com"], ingress.Spec.Rules.Select(rule => rule.Host).Order());
        foreach (var rule in ingress.Spec.Rules)
        {
            var paths = Paths(chart, rule);
            foreach (var (request, service) in MeshFacts.RestRequests)
            {
                Assert.Equal(service, PathRouting.Route(paths, request));
            }

            Assert.All(MeshFacts.UnservedPaths, request => Assert.Empty(PathRouting.Winners(paths, request)));
        }
    }

    [Fact]
    public async Task Ingress_Enabled_RoutesExactlyTheValuesRoutesOfEveryServiceToThatService()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, Enabled);
        var routes = RestRoutes.FromChartValues();

        // No hosts: one rule, which matches requests for any host.
        var rule = Assert.Single(Assert.Single(chart.Ingresses).Spec.Rules);
        Assert.Null(rule.Host);
        var paths = Paths(chart, rule);
        Assert.Equal(routes.Select(route => route.ToString()).Order(), paths.Select(path => path.ToString()).Order());
        Assert.Equal(MeshFacts.Services.Order(), routes.Select(route => route.Backend).Distinct().Order());
        foreach (var route in routes)
        {
            Assert.All(RestRoutes.RequestsFor(route), request => Assert.Equal(route.Backend, PathRouting.Route(paths, request)));
        }
    }

    [Fact]
    public async Task Ingress_TlsClassAndAnnotationsSet_AreRenderedAsGiven()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. Enabled,
            "--set", "ingress.className=nginx", "--set", "ingress.hosts={api.example.com}",
            "--set", "ingress.annotations.cert-manager\\.io/cluster-issuer=letsencrypt",
            "--set-json", """ingress.tls=[{"secretName":"api-example-com-tls","hosts":["api.example.com"]}]"""]);
        var ingress = Assert.Single(chart.Ingresses);

        Assert.Equal("nginx", ingress.Spec.IngressClassName);
        Assert.Equal("letsencrypt", ingress.Metadata.Annotations["cert-manager.io/cluster-issuer"]);
        var tls = Assert.Single(ingress.Spec.Tls);
        Assert.Equal("api-example-com-tls", tls.SecretName);
        Assert.Equal(["api.example.com"], tls.Hosts);
    }

    [Fact]
    public async Task Ingress_EnabledWithoutTlsOrClass_RendersNeither()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, Enabled);
        var ingress = Assert.Single(chart.Ingresses);

        Assert.Null(ingress.Spec.Tls);
        Assert.Null(ingress.Spec.IngressClassName);
        Assert.Null(ingress.Metadata.Annotations);
    }

    [Theory]
    [MemberData(nameof(ValuesSets.All), MemberType = typeof(ValuesSets))]
    public async Task Ingress_ShippedValuesSet_RoutesEveryRestRequestAndServesEveryTlsHost(string valuesSet)
    {
        var chart = await ChartRenderer.RenderAsync(valuesSet);

        foreach (var ingress in chart.Ingresses)
        {
            foreach (var rule in ingress.Spec.Rules)
            {
                var paths = Paths(chart, rule);
                Assert.All(MeshFacts.RestRequests, request => Assert.Equal(request.Service, PathRouting.Route(paths, request.Path)));
            }

            // A certificate for a host no rule serves would be a typo between the two lists.
            var hosts = ingress.Spec.Rules.Select(rule => rule.Host).ToHashSet();
            Assert.All((ingress.Spec.Tls ?? []).SelectMany(tls => tls.Hosts ?? []), host => Assert.Contains(host, hosts));
        }
    }

    [Fact]
    public async Task Ingress_RoutesChangedForOneService_FollowTheValues()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. Enabled,
            "--set-json", """services.inventory.http.routes=[{"path":"/v2/stock","pathType":"Prefix"}]"""]);
        var paths = Paths(chart, Assert.Single(Assert.Single(chart.Ingresses).Spec.Rules));

        Assert.Equal("inventory", PathRouting.Route(paths, "/v2/stock/BOOK-42"));
        Assert.Empty(PathRouting.Winners(paths, "/v1/items/BOOK-42"));
        Assert.Equal("users", PathRouting.Route(paths, "/v1/users:watch"));
    }

    [Theory]
    [InlineData("both list the Prefix path /v1/items", """services.orders.http.routes=[{"path":"/v1/items","pathType":"Prefix"}]""")]
    [InlineData("route nothing", "services.users.http.routes=[]", "services.inventory.http.routes=[]", "services.orders.http.routes=[]")]
    public async Task Ingress_AmbiguousOrNoRoutes_AreRefusedWithAReason(string reason, params string[] setJson)
    {
        var helm = await HelmInstallation.Helm4Async();

        var result = await ChartRenderer.TemplateAsync(helm, [.. Enabled, .. setJson.SelectMany(value => new[] { "--set-json", value })]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>An Ingress rule's paths, each resolved to the service whose http port its backend reaches.</summary>
    private static List<PathRule> Paths(RenderedChart chart, V1IngressRule rule) =>
        rule.Http.Paths.Select(path => new PathRule(path.Path, path.PathType, Backend(chart, path.Backend))).ToList();

    /// <summary>The service ("users", ...) a backend reaches: its ClusterIP Service, on the port that targets the container's http port.</summary>
    private static string Backend(RenderedChart chart, V1IngressBackend backend)
    {
        Assert.Null(backend.Resource);
        var service = chart.Service(backend.Service.Name);
        Assert.Null(service.Spec.ClusterIP);
        var port = Assert.Single(service.Spec.Ports, port => backend.Service.Port.Name is { } name
            ? port.Name == name
            : port.Port == backend.Service.Port.Number);
        var name = chart.ServiceSelecting(service);
        var http = chart.ContainerPort(name, "http");
        Assert.True(
            port.TargetPort.Value == http.Name || port.TargetPort.Value == http.ContainerPort.ToString(CultureInfo.InvariantCulture),
            $"{backend.Service.Name}:{port.Name} does not reach the container's http port");
        return name;
    }
}
