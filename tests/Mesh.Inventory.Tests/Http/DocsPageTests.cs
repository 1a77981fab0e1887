using System.Net;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Http;

/// <summary>The interactive API page: on in development, off in production unless configured; the document itself always served.</summary>
public sealed class DocsPageTests
{
    [Theory]
    [InlineData("Development", null, HttpStatusCode.OK)]
    [InlineData("Production", null, HttpStatusCode.NotFound)]
    [InlineData("Production", "true", HttpStatusCode.OK)]
    [InlineData("Development", "false", HttpStatusCode.NotFound)]
    public async Task Docs_FollowsTheEnvironmentAndMeshHttpDocs(string environment, string? docs, HttpStatusCode expected)
    {
        using var host = new MeshServiceFactory<InventoryOptions>()
            .WithSetting("environment", environment)
            .WithSetting("Mesh:Http:Docs", docs);
        using var http = host.CreateClient();

        var page = await http.GetAsync("/docs/index.html");
        var document = await http.GetAsync("/openapi/v1.json");

        Assert.Equal(expected, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }
}
