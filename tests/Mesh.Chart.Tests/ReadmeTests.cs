using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Chart.Tests.Infrastructure;

namespace Mesh.Chart.Tests;

/// <summary>
/// The README's "Deploy to Kubernetes" section: the commands, and a table that documents every chart
/// value, and the walk-throughs of the PostgreSQL mode and of messaging.
/// </summary>
public sealed partial class ReadmeTests
{
    private const string Heading = "## Deploy to Kubernetes";

    [Fact]
    public void Readme_DeployToKubernetes_ShowsInstallPortForwardGrpcurlHelmTestAndSkaffold()
    {
        var section = Section();

        foreach (var command in new[] { "helm install mesh charts/mesh", "port-forward svc/mesh-users 5001:8080", "grpcurl -plaintext", "helm test mesh", "skaffold dev" })
        {
            Assert.Contains(command, section, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readme_ValuesTable_DocumentsExactlyTheChartsValues()
    {
        var documented = TableRowRegex().Matches(Section())
            .Select(match => match.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var values = DocumentedPaths().ToHashSet(StringComparer.Ordinal);

        Assert.Empty(values.Except(documented).Order());
        Assert.Empty(documented.Except(values).Order());
    }

    [Fact]
    public void Readme_PostgresMode_ShowsTheBundledDemoTheExternalSecretsAndTheSkaffoldProfile()
    {
        var document = Section();

        foreach (var text in new[] { "charts/mesh/values-postgres.yaml", "kubectl --namespace mesh create secret generic mesh-users-db", "skaffold dev -p postgres", "Mesh__Storage__ConnectionString", "storage.mode" })
        {
            Assert.Contains(text, document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readme_Messaging_ShowsTheExternalSecretTheBundledBrokerAndTheSkaffoldProfile()
    {
        var document = Section();

        foreach (var text in new[] { "### Messaging: the broker in the chart", "charts/mesh/values-messaging.yaml", "skaffold dev -p messaging", "messaging.existingSecret=", "messaging.egressTo", "Mesh__Messaging__Url", "Mesh__Messaging__Exchange", "Mesh__Users__OrderStats__Transport" })
        {
            Assert.Contains(text, document, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The values a reader sets: the schema's properties, descending into inline objects; a property
    /// whose schema is a shared definition (resources, selectors, probe timing) is one row.
    /// `services` is documented once per setting only a service has, the ones serviceDefaults
    /// forbids: services.&lt;name&gt;.image, services.&lt;name&gt;.http.routes.
    /// </summary>
    private static IEnumerable<string> DocumentedPaths()
    {
        var schema = JsonNode.Parse(File.ReadAllText(RepositoryPaths.ChartValuesSchema))!;
        var definitions = schema["$defs"]!;
        JsonNode Definition(JsonNode reference) => definitions[((string)reference["$ref"]!).Split('/')[^1]]!;

        // The settings the defaults forbid (schema `false`), as dotted paths, at any depth.
        IEnumerable<string> Forbidden(JsonNode? node, string prefix) =>
            node?["properties"]?.AsObject().SelectMany(setting => setting.Value?.GetValueKind() is JsonValueKind.False
                ? [prefix + setting.Key]
                : Forbidden(setting.Value, prefix + setting.Key + ".")) ?? [];
        var serviceDefaults = Definition(schema["properties"]!["serviceDefaults"]!);
        var servicesOwn = Forbidden(serviceDefaults, string.Empty).ToHashSet(StringComparer.Ordinal);

        IEnumerable<string> Walk(JsonNode node, string prefix)
        {
            foreach (var (name, property) in node["properties"]!.AsObject())
            {
                var path = prefix + name;
                if (path is "global")
                {
                    continue;
                }

                if (path is "services")
                {
                    foreach (var own in servicesOwn.Order(StringComparer.Ordinal))
                    {
                        yield return "services.<name>." + own;
                    }

                    continue;
                }

                if (path is "serviceDefaults")
                {
                    // The defaults take the shared service shape, less what they forbid (a service's own image and routes).
                    foreach (var child in Walk(Definition(serviceDefaults["allOf"]!.AsArray().Single()!), path + "."))
                    {
                        var relative = child[(path.Length + 1)..];
                        if (!servicesOwn.Any(own => relative == own || relative.StartsWith(own + ".", StringComparison.Ordinal)))
                        {
                            yield return child;
                        }
                    }

                    continue;
                }

                var isShared = property!["$ref"] is not null || property["allOf"] is not null;
                if (isShared || property["properties"] is null)
                {
                    yield return path;
                    continue;
                }

                foreach (var child in Walk(property, path + "."))
                {
                    yield return child;
                }
            }
        }

        return Walk(schema, string.Empty);
    }

    private static string Section()
    {
        var readme = File.ReadAllText(RepositoryPaths.Readme);
        var start = readme.IndexOf(Heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no \"{Heading}\" section");
        var end = readme.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    [GeneratedRegex(@"^\|\s*`([^`]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex TableRowRegex();
}
