using Mesh.Chart.Tests.Infrastructure;
using k8s.Models;

namespace Mesh.Chart.Tests;

/// <summary>
/// auth and rateLimits: with access control on every pod gets the issuers' settings, its own
/// projected service-account token (never the API server's), and the identities of the three
/// services; the NetworkPolicies let it reach the issuers; and the combinations that would leave
/// the mesh open or unable to check a token are refused with a message saying what to set.
/// </summary>
public sealed class AuthTests
{
    private static readonly string[] On =
    [
        "--set", "auth.enabled=true",
        "--set", "auth.people.issuer=https://sso.example.com/realms/shop",
        "--set", "auth.people.audience=mesh-api",
        "--set", "auth.services.issuer=https://kubernetes.default.svc.cluster.local",
        "--set-json", """auth.egressTo=[{"ipBlock":{"cidr":"203.0.113.0/24"}}]""",
    ];

    private static readonly EndpointPort Https = new("https", 443, "TCP");
    private static readonly EndpointPort Admin = new("admin", 9000, "TCP");
    private static readonly EndpointPort Grpc = new("grpc", MeshFacts.ContainerPort, "TCP");

    [Fact]
    public async Task Auth_Default_RendersNoAuthSettingNoTokenVolumeAndNoLimits()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults);

        foreach (var name in MeshFacts.Services)
        {
            Assert.DoesNotContain(chart.Environment(name).Keys, key => key.StartsWith("Mesh__Auth__", StringComparison.Ordinal) || key.StartsWith("Mesh__RateLimits__", StringComparison.Ordinal));
            Assert.DoesNotContain(chart.Deployment(name).Spec.Template.Spec.Volumes, volume => volume.Projected is not null);
        }
    }

    [Fact]
    public async Task Auth_On_EveryPodChecksBothIssuersAndCallsWithItsOwnProjectedToken()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, On);

        foreach (var name in MeshFacts.Services)
        {
            var environment = chart.Environment(name);
            Assert.Equal("true", environment["Mesh__Auth__Enabled"].Value);
            Assert.Equal("https://sso.example.com/realms/shop", environment["Mesh__Auth__People__Issuer"].Value);
            Assert.Equal("https://sso.example.com/realms/shop", environment["Mesh__Auth__People__Authority"].Value);
            Assert.Equal("mesh-api", environment["Mesh__Auth__People__Audience"].Value);
            Assert.Equal("https://kubernetes.default.svc.cluster.local", environment["Mesh__Auth__Services__Issuer"].Value);
            Assert.Equal("mesh", environment["Mesh__Auth__Services__Audience"].Value);
            Assert.Equal("00:00:30", environment["Mesh__Auth__ClockSkew"].Value);
            Assert.DoesNotContain("Mesh__Auth__Services__CaFile", environment.Keys);
            foreach (var other in MeshFacts.Services)
            {
                Assert.Equal($"system:serviceaccount:{ChartRenderer.Namespace}:{ChartRenderer.ReleaseName}-{other}", environment[$"Mesh__Auth__ServiceSubjects__{other}"].Value);
            }

            var pod = chart.Deployment(name).Spec.Template.Spec;
            Assert.Equal($"{ChartRenderer.ReleaseName}-{name}", pod.ServiceAccountName);
            Assert.False(pod.AutomountServiceAccountToken);
            var token = Assert.Single(pod.Volumes, volume => volume.Projected is not null);
            var source = Assert.Single(token.Projected.Sources).ServiceAccountToken;
            Assert.Equal("mesh", source.Audience);
            Assert.Equal(3600, source.ExpirationSeconds);
            var mount = Assert.Single(chart.Container(name).VolumeMounts, mount => mount.Name == token.Name);
            Assert.True(mount.ReadOnlyProperty);
            Assert.Equal($"{mount.MountPath}/{source.Path}", environment["Mesh__Auth__TokenFile"].Value);
        }

        Assert.All(chart.ServiceAccounts, account => Assert.False(account.AutomountServiceAccountToken));
        Assert.Equal(MeshFacts.Services.Select(name => $"{ChartRenderer.ReleaseName}-{name}").Order(), chart.ServiceAccounts.Select(account => account.Metadata.Name).Order());
    }

    [Fact]
    public async Task Auth_ClusterIssuer_TrustsTheClusterCaAndJwksUrlReplacesDiscovery()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. On, "--set", "auth.services.trustClusterCa=true",
            "--set", "auth.people.jwksUrl=https://sso.example.com/keys", "--set", "auth.services.tokenExpirationSeconds=7200"]);

        foreach (var name in MeshFacts.Services)
        {
            var environment = chart.Environment(name);
            Assert.Equal("https://sso.example.com/keys", environment["Mesh__Auth__People__JwksUrl"].Value);
            Assert.DoesNotContain("Mesh__Auth__People__Authority", environment.Keys);
            var sources = chart.Deployment(name).Spec.Template.Spec.Volumes.Single(volume => volume.Projected is not null).Projected.Sources;
            Assert.Equal(7200, sources.Single(source => source.ServiceAccountToken is not null).ServiceAccountToken.ExpirationSeconds);
            var ca = sources.Single(source => source.ConfigMap is not null).ConfigMap;
            Assert.Equal("kube-root-ca.crt", ca.Name);
            Assert.Equal("/var/run/secrets/mesh/" + Assert.Single(ca.Items).Path, environment["Mesh__Auth__Services__CaFile"].Value);
        }
    }

    [Fact]
    public async Task Auth_On_NetworkPoliciesLetEveryServiceReachTheIssuersOnTheirPortOnly()
    {
        var off = new NetworkPolicyEvaluator((await ChartRenderer.RenderAsync(ValuesSets.Defaults)).NetworkPolicies, ChartRenderer.Namespace);
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. On, "--set-json",
            """auth.egressTo=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"identity"}},"podSelector":{"matchLabels":{"app":"keycloak"}}}]"""]);
        var on = new NetworkPolicyEvaluator(chart.NetworkPolicies, ChartRenderer.Namespace);
        var keycloak = new NetworkEndpoint("identity/keycloak", "identity", new Dictionary<string, string> { ["app"] = "keycloak" }, [Https, Admin]);
        var neighbour = new NetworkEndpoint("identity/other", "identity", new Dictionary<string, string> { ["app"] = "other" }, [Https]);

        foreach (var name in MeshFacts.Services)
        {
            var source = new NetworkEndpoint(name, ChartRenderer.Namespace, chart.Deployment(name).Spec.Template.Metadata.Labels.ToDictionary(), [Grpc]);
            Assert.True(on.Allows(source, keycloak, Https), $"{name} cannot reach the issuer");
            Assert.False(on.Allows(source, keycloak, Admin), $"{name} reaches the issuer on a port it was not given");
            Assert.False(on.Allows(source, neighbour, Https), $"{name} reaches a pod beside the issuer");
            Assert.False(off.Allows(source, keycloak, Https), $"{name} reaches the issuer with auth off");
        }
    }

    [Fact]
    public async Task RateLimits_On_EveryPodGetsTheBuckets()
    {
        var chart = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. On, "--set", "rateLimits.enabled=true", "--set", "rateLimits.writes.tokensPerSecond=5"]);

        foreach (var name in MeshFacts.Services)
        {
            var environment = chart.Environment(name);
            Assert.Equal("true", environment["Mesh__RateLimits__Enabled"].Value);
            Assert.Equal("200", environment["Mesh__RateLimits__Policies__reads__TokenLimit"].Value);
            Assert.Equal("100", environment["Mesh__RateLimits__Policies__reads__TokensPerPeriod"].Value);
            Assert.Equal("40", environment["Mesh__RateLimits__Policies__writes__TokenLimit"].Value);
            Assert.Equal("5", environment["Mesh__RateLimits__Policies__writes__TokensPerPeriod"].Value);
        }
    }

    public static TheoryData<string[], string> Refused => new()
    {
        { ["--set", "auth.allowUnauthenticatedPublicAccess=false", "--set", "ingress.enabled=true"], "auth.enabled is false" },
        { ["--set", "httpRoute.enabled=true", "--set-json", """httpRoute.parentRefs=[{"name":"public"}]"""], "auth.allowUnauthenticatedPublicAccess=true" },
        { ["--set", "auth.enabled=true", "--set", "auth.services.issuer=https://kubernetes.default.svc.cluster.local"], "auth.people.issuer" },
        { [.. On, "--set", "auth.services.issuer="], "auth.services.issuer" },
        { [.. On, "--set", "auth.services.audience=mesh-api"], "audience" },
        { [.. On, "--set-json", "auth.egressTo=[]"], "auth.egressTo" },
        { [.. On, "--set", "services.orders.serviceAccount.create=false", "--set", "services.users.serviceAccount.create=false"], "same ServiceAccount" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Auth_ValuesThatLeaveTheMeshOpenOrUnableToCheckTokens_AreRefusedSayingWhatToSet(string[] arguments, string message)
    {
        var result = await ChartRenderer.TemplateAsync(await HelmInstallation.Helm4Async(), arguments);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("schema", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_PublicRouteWithAuthOnOrOpenOnPurpose_Renders()
    {
        var secured = await ChartRenderer.RenderAsync(ValuesSets.Defaults, [.. On, "--set", "ingress.enabled=true"]);
        var open = await ChartRenderer.RenderAsync(ValuesSets.Defaults, "--set", "ingress.enabled=true", "--set", "auth.allowUnauthenticatedPublicAccess=true");

        Assert.Single(secured.Ingresses);
        Assert.Single(open.Ingresses);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task HelmLintStrict_AuthAndRateLimitsOn_Passes(int helmMajor) =>
        await ChartLintTests.AssertLintsCleanAsync(helmMajor, [.. On, "--set", "rateLimits.enabled=true", "--set", "auth.services.trustClusterCa=true", "--set", "ingress.enabled=true"]);
}
