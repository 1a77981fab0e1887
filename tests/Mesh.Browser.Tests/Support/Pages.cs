namespace Mesh.Browser.Tests.Support;

/// <summary>The test pages, embedded in this assembly (see the csproj).</summary>
internal static class Pages
{
    /// <summary>Inventory over gRPC-Web with fetch and hand-written framing and protobuf: Pages/grpc-web.html.</summary>
    public static string GrpcWeb { get; } = Read("grpc-web.html");

    private static string Read(string name)
    {
        using var stream = typeof(Pages).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded page {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
