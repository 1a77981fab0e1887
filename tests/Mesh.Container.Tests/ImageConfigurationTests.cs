using System.Reflection.PortableExecutable;
using System.Text.Json;
using Mesh.Container.Tests.Support;

namespace Mesh.Container.Tests;

/// <summary>
/// What each built image declares: the official images' non-root uid, ports 8080 (gRPC), 8081 (HTTP) and 9464 (metrics), an exec-form
/// entrypoint (no shell at run time), no shell health check, and /data as the writable place;
/// and what it ships: assemblies compiled ReadyToRun, and the entry link to the service's own.
/// </summary>
[Collection(MeshContainersCollection.Name)]
public sealed class ImageConfigurationTests
{
    /// <summary>What the entrypoint starts: the same name in every image, a link to the service's assembly.</summary>
    private const string EntryDll = "service.dll";

    /// <summary>The three services.</summary>
    public static TheoryData<string> Services() => [.. ServiceImage.All.Select(service => service.Name)];

    [ContainerTheory]
    [MemberData(nameof(Services))]
    public async Task ImageConfig_EachService_RunsDllAsNonRootOnItsThreePortsWithoutShell(string name)
    {
        var service = ServiceImage.Named(name);

        using var config = await ImageConfigAsync(service);
        var root = config.RootElement;

        Assert.Equal(MeshContainers.AppUid, root.GetProperty("User").GetString());
        Assert.Equal(["8080/tcp", "8081/tcp", "9464/tcp"], root.GetProperty("ExposedPorts").EnumerateObject().Select(port => port.Name));
        Assert.Equal(["dotnet", EntryDll], root.GetProperty("Entrypoint").EnumerateArray().Select(part => part.GetString()));
        Assert.True(IsAbsent(root, "Cmd"), "an image CMD would be appended to the entrypoint");
        Assert.True(IsAbsent(root, "Healthcheck"), "a HEALTHCHECK would need a shell or a client in the image; probes use grpc.health.v1");
        Assert.Equal("/app", root.GetProperty("WorkingDir").GetString());
        Assert.Contains($"Mesh__Storage__Path=/data/{service.Name}.db", root.GetProperty("Env").EnumerateArray().Select(entry => entry.GetString()));
    }

    /// <summary>
    /// The service's own assembly and the shared ones carry precompiled native code (a ReadyToRun
    /// header), so a new container serves without compiling its hot paths first.
    /// </summary>
    [ContainerTheory]
    [MemberData(nameof(Services))]
    public async Task Image_EachService_ShipsReadyToRunAssemblies(string name)
    {
        var service = ServiceImage.Named(name);

        await WithAppFilesAsync(service, "mesh-r2r", async (container, folder) =>
        {
            foreach (var assembly in new[] { $"{service.Project}.dll", "Mesh.ServiceDefaults.dll", "Mesh.Storage.dll", "Mesh.Contracts.dll" })
            {
                var copy = Path.Combine(folder, assembly);
                (await MeshContainers.Engine.RunAsync(Deadlines.EngineCommand, "cp", $"{container}:/app/{assembly}", copy)).EnsureSuccess();

                Assert.True(IsReadyToRun(copy), $"/app/{assembly} in {MeshContainers.ImageOf(service)} has no ReadyToRun code");
            }
        });
    }

    /// <summary>
    /// The one Dockerfile's fixed entrypoint starts the service's own assembly: /app/service.dll is a
    /// link to it, which the dotnet host resolves before it reads the runtimeconfig and deps files.
    /// </summary>
    [ContainerTheory]
    [MemberData(nameof(Services))]
    public async Task Image_EachService_EntryDllLinksToItsOwnAssembly(string name)
    {
        var service = ServiceImage.Named(name);

        await WithAppFilesAsync(service, "mesh-entry", async (container, folder) =>
        {
            // The folder, not the file: `cp` of a link alone copies its target, inside a folder the link itself.
            (await MeshContainers.Engine.RunAsync(Deadlines.EngineCommand, "cp", $"{container}:/app", folder)).EnsureSuccess();
            var entry = new FileInfo(Path.Combine(folder, "app", EntryDll));

            Assert.Equal($"{service.Project}.dll", entry.LinkTarget);
            Assert.True(File.Exists(Path.Combine(folder, "app", $"{service.Project}.dll")), $"/app/{service.Project}.dll is missing");
        });
    }

    /// <summary>Creates (never starts) a container of the service's image and hands it and an empty local folder to <paramref name="inspect"/>.</summary>
    private static async Task WithAppFilesAsync(ServiceImage service, string purpose, Func<string, string, Task> inspect)
    {
        var container = $"{purpose}-{service.Name}-{Guid.NewGuid().ToString("N")[..8]}";
        var folder = Directory.CreateTempSubdirectory(purpose + "-");
        try
        {
            (await MeshContainers.Engine.RunAsync(Deadlines.EngineCommand,
                "create", "--name", container, "--label", MeshContainers.Label, MeshContainers.ImageOf(service))).EnsureSuccess();
            await inspect(container, folder.FullName);
        }
        finally
        {
            await MeshContainers.Engine.RunAsync(Deadlines.EngineCommand, "rm", "--force", container);
            folder.Delete(recursive: true);
        }
    }

    /// <summary>ReadyToRun images have a managed native header; IL-only assemblies do not.</summary>
    private static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    private static async Task<JsonDocument> ImageConfigAsync(ServiceImage service)
    {
        var inspect = (await MeshContainers.Engine.RunAsync(
            Deadlines.EngineCommand, "image", "inspect", "--format", "{{json .Config}}", MeshContainers.ImageOf(service))).EnsureSuccess();
        return JsonDocument.Parse(inspect.StandardOutput);
    }

    private static bool IsAbsent(JsonElement config, string property) =>
        !config.TryGetProperty(property, out var value)
        || value.ValueKind == JsonValueKind.Null
        || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0);
}
