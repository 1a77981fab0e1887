namespace Mesh.ServiceDefaults.Http;

/// <summary>
/// The public HTTP/1.1 port (configuration section <c>Mesh:Http</c>): REST/JSON transcoded from the
/// protos' <c>google.api.http</c> bindings, gRPC-Web, and the OpenAPI document.
/// </summary>
public sealed class MeshHttpOptions
{
    public const string Section = "Mesh:Http";

    /// <summary>Port of the HTTP listener when neither it nor the gRPC address is configured (the container's).</summary>
    public const int DefaultPort = 8081;

    /// <summary>Largest JSON request body; a bigger one gets 413 before it is read.</summary>
    public const int DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// Where the HTTP listener binds, e.g. <c>http://127.0.0.1:5102</c> (several separated by ';').
    /// Unset: <c>http://0.0.0.0:8081</c> when the gRPC address is the default too, otherwise no
    /// HTTP listener — a process given only <c>--urls</c> opens exactly what it was told.
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>Browser origins allowed by CORS (e.g. <c>https://shop.example.com</c>); none by default.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>Serve the interactive API UI at <c>/docs</c>; on by default only in Development.</summary>
    public bool? Docs { get; set; }

    /// <summary>Largest request body on the HTTP port, in bytes.</summary>
    public int MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;
}
