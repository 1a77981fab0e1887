using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Api;
using Google.Protobuf.Reflection;
using Mesh.Contracts;
using Xunit;

namespace Mesh.Testing;

/// <summary>
/// The checked-in OpenAPI documents (<c>docs/openapi/&lt;service&gt;.json</c>) against what a
/// running service serves, and both against the protos. To regenerate after changing a proto:
/// <c>MESH_UPDATE_OPENAPI=1 dotnet test tests/Mesh.&lt;Service&gt;.Tests --filter OpenApiDocumentTests</c>.
/// </summary>
public static class OpenApiDocuments
{
    /// <summary>Set to 1 to rewrite the checked-in documents instead of comparing them.</summary>
    public const string UpdateVariable = "MESH_UPDATE_OPENAPI";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Fetches <c>/openapi/v1.json</c> from <paramref name="http"/>.</summary>
    public static async Task<JsonObject> FetchAsync(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var text = await http.GetStringAsync("/openapi/v1.json");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// Asserts the served document equals <c>docs/openapi/<paramref name="service"/>.json</c>, or
    /// rewrites that file when <see cref="UpdateVariable"/> is 1.
    /// </summary>
    public static void AssertMatchesCheckedIn(JsonObject served, string service)
    {
        ArgumentNullException.ThrowIfNull(served);
        var path = Path.Combine(RepositoryRoot.Path, "docs", "openapi", service + ".json");
        var text = served.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing; generate it with {UpdateVariable}=1 (see README, REST and OpenAPI).");
        var checkedIn = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(checkedIn == text,
            $"docs/openapi/{service}.json has drifted from the protos. Regenerate it: {UpdateVariable}=1 dotnet test --filter OpenApiDocumentTests, and commit the result.");
    }

    /// <summary>
    /// Asserts every method of <paramref name="serviceFullName"/> with a google.api.http rule is an
    /// operation at its path and verb whose summary is the RPC's proto comment, and that no other
    /// path exists (the internal methods have none).
    /// </summary>
    public static void AssertDescribesTheProto(JsonObject served, string serviceFullName)
    {
        ArgumentNullException.ThrowIfNull(served);
        var service = MeshDescriptors.FindService(serviceFullName) ?? throw new InvalidOperationException($"no service {serviceFullName}");
        var paths = served["paths"]!.AsObject();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in service.Methods)
        {
            if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
            {
                continue;
            }

            var (verb, template) = VerbAndPath(rule);
            // The document names path parameters as JSON does: {user_id} is {userId}.
            template = System.Text.RegularExpressions.Regex.Replace(template, "{([a-z0-9_]+)}", match => "{" + JsonName(match.Groups[1].Value) + "}");
            expected.Add($"{verb} {template}");
            var operation = paths[template]?[verb];
            Assert.True(operation is not null, $"{method.Name}: no {verb.ToUpperInvariant()} {template} in the document");
            Assert.Equal(Normalize(method.Declaration?.LeadingComments), Normalize(operation["summary"]?.GetValue<string>()));
        }

        var actual = paths.SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key} {path.Key}")).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    private static (string Verb, string Path) VerbAndPath(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => ("get", rule.Get),
        HttpRule.PatternOneofCase.Post => ("post", rule.Post),
        HttpRule.PatternOneofCase.Put => ("put", rule.Put),
        HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
        HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
        _ => throw new InvalidOperationException($"unsupported rule {rule}"),
    };

    private static string JsonName(string protoName)
    {
        var parts = protoName.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
    }

    private static string Normalize(string? text) =>
        string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
