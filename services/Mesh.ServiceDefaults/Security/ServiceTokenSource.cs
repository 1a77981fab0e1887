using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// This service's own token, read from <see cref="MeshAuthOptions.TokenFile"/> (a projected
/// service-account token in Kubernetes, written by the launcher locally). The kubelet replaces the
/// file well before the token expires, so it is read again once it is older than
/// <see cref="RereadAfter"/> — never per call.
/// </summary>
public sealed class ServiceTokenSource(IOptions<MeshAuthOptions> options, TimeProvider time)
{
    /// <summary>How long a read token is used before the file is read again.</summary>
    public static readonly TimeSpan RereadAfter = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private string? _header;
    private DateTimeOffset _readAt;

    /// <summary>
    /// The <c>authorization</c> value for the current token (<c>Bearer …</c>), or null when no token
    /// file is configured; built once per read of the file, not per call.
    /// </summary>
    public string? AuthorizationHeader()
    {
        var path = options.Value.TokenFile;
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_header is null || now - _readAt >= RereadAfter)
            {
                // A missing or unreadable file is a deployment error the call should report, not hide.
                var token = File.ReadAllText(path).Trim();
                if (token.Length == 0)
                {
                    throw new InvalidOperationException($"The service token file {path} is empty.");
                }

                _header = "Bearer " + token;
                _readAt = now;
            }

            return _header;
        }
    }
}
