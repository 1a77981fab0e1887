using System.Security.Cryptography.X509Certificates;

namespace Mesh.ServiceDefaults.Security;

/// <summary>
/// An HTTP handler for fetching an issuer's discovery document and keys that trusts the CAs of a
/// PEM bundle only — a cluster's service-account issuer is served with the cluster's own CA, which
/// no system trust store holds.
/// </summary>
internal static class IssuerTrust
{
    /// <summary>The handler for <paramref name="caFile"/>, or null to use the system's trust.</summary>
    public static HttpMessageHandler? Handler(string? caFile)
    {
        if (string.IsNullOrEmpty(caFile))
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        if (roots.Count == 0)
        {
            throw new InvalidOperationException($"The CA file {caFile} holds no certificate.");
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // A cluster CA publishes no revocation list.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);
        return new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = policy } };
    }
}
