using Mesh.ServiceDefaults.Security;
using Mesh.Testing;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Tests.Security;

/// <summary>
/// A service's own token comes from its file, which the kubelet replaces before the token expires:
/// the new one is used within <see cref="ServiceTokenSource.RereadAfter"/>, the file is not read on
/// every call, and a missing or empty file is an error, never an anonymous call.
/// </summary>
public sealed class ServiceTokenSourceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mesh-token-").FullName;

    private string TokenPath => Path.Combine(_folder, "token");

    [Fact]
    public void A_rotated_token_file_is_used_once_the_read_token_is_old_enough()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var source = Source(time);
        File.WriteAllText(TokenPath, "first-token\n");

        Assert.Equal("Bearer first-token", source.AuthorizationHeader());
        File.WriteAllText(TokenPath, "second-token");
        time.Advance(ServiceTokenSource.RereadAfter - TimeSpan.FromSeconds(1));
        Assert.Equal("Bearer first-token", source.AuthorizationHeader());

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("Bearer second-token", source.AuthorizationHeader());
    }

    [Fact]
    public void Without_a_token_file_setting_no_token_is_sent_and_a_missing_or_empty_file_is_an_error()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);

        Assert.Null(new ServiceTokenSource(Options.Create(new MeshAuthOptions()), time).AuthorizationHeader());
        Assert.Throws<FileNotFoundException>(() => Source(time).AuthorizationHeader());
        File.WriteAllText(TokenPath, "  \n");
        Assert.Throws<InvalidOperationException>(() => Source(time).AuthorizationHeader());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ServiceTokenSource Source(TimeProvider time) =>
        new(Options.Create(new MeshAuthOptions { TokenFile = TokenPath }), time);
}
