using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>skaffold.yaml against the official schema and against the repository: the Dockerfile and its SERVICE argument, chart values, ports.</summary>
public sealed partial class SkaffoldTests
{
    /// <summary>The one Dockerfile of the three services, relative to the repository root.</summary>
    private const string ServicesDockerfile = "services/Dockerfile";

    private static readonly Lazy<JsonObject> LazyConfig = new(() => (JsonObject)YamlJson.LoadFile(RepositoryPaths.Skaffold)!);

    private static JsonObject Config => LazyConfig.Value;

    private static JsonArray Artifacts => Config["build"]!["artifacts"]!.AsArray();

    private static JsonObject Release => (JsonObject)Assert.Single(Config["deploy"]!["helm"]!["releases"]!.AsArray())!;

    [Fact]
    public void Skaffold_Config_IsValidAgainstTheOfficialSchema()
    {
        var errors = ValidateAgainstSchema(Config);

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public void Skaffold_SchemaCheck_RejectsAMisspeltField()
    {
        var broken = (JsonObject)Config.DeepClone();
        broken["deploy"]!["helm"]!["releases"]![0]!["valueFiles"] = new JsonArray("typo.yaml");

        Assert.NotEmpty(ValidateAgainstSchema(broken));
    }

    [Fact]
    public void Skaffold_ApiVersion_IsV4Beta13OrNewer()
    {
        var apiVersion = (string?)Config["apiVersion"] ?? string.Empty;
        var match = ApiVersionRegex().Match(apiVersion);

        Assert.True(match.Success, apiVersion);
        var major = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var beta = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;
        Assert.True(major > 4 || (major == 4 && match.Groups[2].Value is "beta" or "" && beta >= 13), apiVersion);
        Assert.Equal("Config", (string?)Config["kind"]);
    }

    [Fact]
    public void Skaffold_Artifacts_BuildEveryServiceFromTheRepositoryRootWithTheOneDockerfile()
    {
        var services = new List<string>();
        foreach (var artifact in Artifacts)
        {
            var context = (string?)artifact!["context"] ?? ".";
            var dockerfile = (string?)artifact["docker"]?["dockerfile"];
            Assert.NotNull(dockerfile);
            Assert.Equal(RepositoryPaths.Root, Path.GetFullPath(Path.Combine(RepositoryPaths.Root, context)).TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(RepositoryPaths.Root, context, dockerfile);
            Assert.True(File.Exists(path), $"{artifact["image"]}: {dockerfile} does not exist");
            Assert.Equal(ServicesDockerfile, dockerfile);
            // The build argument picks the service; the image is named for it.
            var service = ServiceOf(artifact);
            Assert.Equal($"mesh-{service}", (string?)artifact["image"]);
            services.Add(service);
        }

        Assert.Equal(MeshFacts.Services.Order(), services.Order());
        Assert.Contains("ARG SERVICE", File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ServicesDockerfile)));
    }

    [Fact]
    public void Skaffold_HelmRelease_DeploysTheChartWithShippedValuesFiles()
    {
        Assert.Equal(ChartRenderer.ReleaseName, (string?)Release["name"]);
        Assert.Equal(RepositoryPaths.Chart, Path.GetFullPath(Path.Combine(RepositoryPaths.Root, (string)Release["chartPath"]!)));
        Assert.All(ValuesFiles(), file => Assert.True(File.Exists(file), $"{file} does not exist"));
    }

    [Fact]
    public async Task Skaffold_SetValueTemplates_WireEveryBuiltImageIntoItsServicesImageValue()
    {
        var templates = Release["setValueTemplates"]!.AsObject();
        var values = YamlJson.LoadFile(RepositoryPaths.ChartValues);
        var artifactsBySanitizedName = Artifacts.ToDictionary(artifact => SanitizedName((string)artifact!["image"]!), artifact => artifact!);
        var arguments = ValuesFiles().SelectMany(file => new[] { "--values", file }).ToList();
        var expectedImages = new Dictionary<string, string>();

        foreach (var (key, template) in templates)
        {
            Assert.True(YamlJson.At(values, key) is JsonValue value && value.GetValueKind() == JsonValueKind.String, $"setValueTemplates key {key} is not a string value of the chart");
            var match = FullyQualifiedRegex().Match((string)template!);
            Assert.True(match.Success, $"{key}: {template} is not one {{{{.IMAGE_FULLY_QUALIFIED_<artifact>}}}}");
            var artifact = artifactsBySanitizedName[match.Groups[1].Value];
            var built = $"registry.test/{artifact["image"]}:skaffold@sha256:{new string('0', 64)}";
            arguments.AddRange(["--set-string", $"{key}={built}"]);
            expectedImages.Add(ServiceOf(artifact), built);
        }

        Assert.Equal(Artifacts.Count, expectedImages.Count);
        var chart = await ChartRenderer.RenderAsync(await HelmInstallation.Helm4Async(), arguments);
        foreach (var name in MeshFacts.Services)
        {
            Assert.Equal(expectedImages[name], chart.Container(name).Image);
        }
    }

    [Fact]
    public async Task Skaffold_PortForwards_TargetTheChartsServicesOnTheLocalRunPorts()
    {
        var chart = await ChartRenderer.RenderAsync(await HelmInstallation.Helm4Async(), ValuesFiles().SelectMany(file => new[] { "--values", file }));
        var forwarded = new List<string>();

        foreach (var forward in Config["portForward"]!.AsArray())
        {
            Assert.Equal("service", (string?)forward!["resourceType"]);
            var service = chart.Service((string)forward["resourceName"]!);
            Assert.Null(service.Spec.ClusterIP);
            Assert.Contains(service.Spec.Ports, port => port.Port == (long)forward["port"]!);
            var name = MeshFacts.Services.Single(name => LabelSelectors.Matches(service.Spec.Selector, chart.Deployment(name).Spec.Template.Metadata.Labels));
            Assert.Equal(MeshFacts.LocalPorts[name], (long)forward["localPort"]!);
            forwarded.Add(name);
        }

        Assert.Equal(MeshFacts.Services.Order(), forwarded.Order());
    }

    [Fact]
    public void Skaffold_Profiles_OfferOneThatPushesToARegistry()
    {
        Assert.Equal(false, (bool?)Config["build"]!["local"]?["push"]);
        var pushing = Config["profiles"]!.AsArray().Where(profile => Apply((JsonObject)Config.DeepClone(), profile!)["build"]!["local"]?["push"]?.GetValue<bool>() == true);

        Assert.NotEmpty(pushing);
    }

    [Fact]
    public async Task Skaffold_PostgresProfile_DeploysEveryServiceOnTheBundledPostgresql()
    {
        var profile = Config["profiles"]!.AsArray().Single(profile => (string?)profile!["name"] == "postgres")!;
        var release = (JsonObject)Apply((JsonObject)Config.DeepClone(), profile)["deploy"]!["helm"]!["releases"]![0]!;
        var files = release["valuesFiles"]!.AsArray().Select(file => Path.Combine(RepositoryPaths.Root, (string)file!)).ToArray();

        Assert.Equal(ValuesFiles(), files.Take(ValuesFiles().Count()));
        var chart = await ChartRenderer.RenderAsync(await HelmInstallation.Helm4Async(), files.SelectMany(file => new[] { "--values", file }));
        Assert.Single(chart.StatefulSets);
        Assert.All(MeshFacts.Services, name => Assert.Equal("postgres", chart.StorageProvider(name)));
        Assert.All(MeshFacts.Services, name => Assert.True(chart.Deployment(name).Spec.Replicas >= 2));
        // Without the profile the dev deployment stays on SQLite.
        var plain = await ChartRenderer.RenderAsync(await HelmInstallation.Helm4Async(), ValuesFiles().SelectMany(file => new[] { "--values", file }));
        Assert.Empty(plain.StatefulSets);
    }

    [Fact]
    public async Task Skaffold_MessagingProfile_DeploysTheBundledRabbitmqWithUsersOnTheBrokerTransport()
    {
        var profile = Config["profiles"]!.AsArray().Single(profile => (string?)profile!["name"] == "messaging")!;
        var release = (JsonObject)Apply((JsonObject)Config.DeepClone(), profile)["deploy"]!["helm"]!["releases"]![0]!;
        var files = release["valuesFiles"]!.AsArray().Select(file => Path.Combine(RepositoryPaths.Root, (string)file!)).ToArray();

        Assert.Equal(ValuesFiles(), files.Take(ValuesFiles().Count()));
        var chart = await ChartRenderer.RenderAsync(await HelmInstallation.Helm4Async(), files.SelectMany(file => new[] { "--values", file }));
        Assert.Equal($"{ChartRenderer.ReleaseName}-rabbitmq", Assert.Single(chart.StatefulSets).Metadata.Name);
        Assert.All(MeshFacts.Services, name => Assert.Equal($"{ChartRenderer.ReleaseName}-rabbitmq", chart.Environment(name)["Mesh__Messaging__Url"].ValueFrom.SecretKeyRef.Name));
        Assert.Equal("broker", chart.Environment("users")["Mesh__Users__OrderStats__Transport"].Value);
        // The dev settings still apply beneath it.
        Assert.All(MeshFacts.Services, name => Assert.Equal("00:00:01", chart.Environment(name)["Mesh__Shutdown__DrainDelay"].Value));

        // With the postgres profile too, both bundled instances are deployed.
        var both = Apply(Apply((JsonObject)Config.DeepClone(), Config["profiles"]!.AsArray().Single(profile => (string?)profile!["name"] == "postgres")!), profile);
        var bothFiles = both["deploy"]!["helm"]!["releases"]![0]!["valuesFiles"]!.AsArray().Select(file => Path.Combine(RepositoryPaths.Root, (string)file!));
        var combined = await ChartRenderer.RenderAsync(await HelmInstallation.Helm4Async(), bothFiles.SelectMany(file => new[] { "--values", file }));
        Assert.Equal(2, combined.StatefulSets.Count());
    }

    [Fact]
    public void Skaffold_ProfilePatches_NeverAddressAnArtifactByPositionAndApplyToExistingFields()
    {
        foreach (var profile in Config["profiles"]!.AsArray())
        {
            foreach (var patch in profile!["patches"]?.AsArray() ?? [])
            {
                foreach (var pointer in new[] { (string?)patch!["path"], (string?)patch["from"] }.OfType<string>())
                {
                    Assert.False(ArtifactIndexRegex().IsMatch(pointer), $"profile {profile["name"]}: {pointer} addresses an artifact by its position");
                }

                var op = (string?)patch["op"] ?? "replace";
                if (op is "replace" or "remove" or "test")
                {
                    Assert.True(Resolve(Config, (string)patch["path"]!) is not null, $"profile {profile["name"]}: {patch["path"]} does not exist");
                }
            }
        }
    }

    private static List<string> ValidateAgainstSchema(JsonNode config)
    {
        Assert.True(File.Exists(RepositoryPaths.SkaffoldSchema), $"The official skaffold schema is missing: {RepositoryPaths.SkaffoldSchema} (shared/ must be beside the repository).");
        var schema = JsonSchema.FromText(File.ReadAllText(RepositoryPaths.SkaffoldSchema));
        var results = schema.Evaluate(JsonSerializer.SerializeToElement(config), new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid
            ? []
            : (results.Details ?? []).Where(detail => detail.Errors is not null)
                .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Key}: {error.Value}"))
                .DefaultIfEmpty("invalid")
                .ToList();
    }

    private static IEnumerable<string> ValuesFiles() =>
        (Release["valuesFiles"]?.AsArray() ?? []).Select(file => Path.Combine(RepositoryPaths.Root, (string)file!));

    /// <summary>What SERVICE an artifact passes to services/Dockerfile.</summary>
    private static string ServiceOf(JsonNode artifact)
    {
        var service = (string?)artifact["docker"]?["buildArgs"]?["SERVICE"];
        Assert.NotNull(service);
        return service;
    }

    /// <summary>Skaffold's template name of an image: '/', '-' and '.' become '_'.</summary>
    private static string SanitizedName(string image) => image.Replace('/', '_').Replace('-', '_').Replace('.', '_');

    /// <summary>Applies a profile's `replace`/`add` patches (enough to see what it changes), `-` appending to a list.</summary>
    private static JsonObject Apply(JsonObject config, JsonNode profile)
    {
        foreach (var patch in profile["patches"]?.AsArray() ?? [])
        {
            var path = (string)patch!["path"]!;
            var parent = Resolve(config, path[..path.LastIndexOf('/')]);
            var last = path[(path.LastIndexOf('/') + 1)..];
            if ((string?)patch["op"] is not ("replace" or "add"))
            {
                continue;
            }

            if (parent is JsonObject map)
            {
                map[last] = patch["value"]?.DeepClone();
            }
            else if (parent is JsonArray list && last == "-")
            {
                list.Add(patch["value"]?.DeepClone());
            }
        }

        return config;
    }

    private static JsonNode? Resolve(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject map => map[segment.Replace("~1", "/").Replace("~0", "~")],
                JsonArray list when int.TryParse(segment, out var index) && index < list.Count => list[index],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    [GeneratedRegex(@"^skaffold/v(\d+)(alpha|beta)?(\d+)?$")]
    private static partial Regex ApiVersionRegex();

    [GeneratedRegex(@"^\{\{\s*\.IMAGE_FULLY_QUALIFIED_(\w+)\s*\}\}$")]
    private static partial Regex FullyQualifiedRegex();

    [GeneratedRegex(@"/artifacts/(\d+|-)(/|$)")]
    private static partial Regex ArtifactIndexRegex();
}
