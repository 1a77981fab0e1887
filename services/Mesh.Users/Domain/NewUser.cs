namespace Mesh.Users.Domain;

/// <summary>A validated CreateUser request: canonical request id and normalised fields.</summary>
public sealed record NewUser(string RequestId, string Email, string DisplayName)
{
    /// <summary>The case-insensitive uniqueness key of <see cref="Email"/>.</summary>
    public string EmailKey => EmailAddress.Key(Email);

    /// <summary>Identifies the request's contents, so a reused request id with other contents is detected.</summary>
    public string Fingerprint => RequestFingerprint.Of(Email, DisplayName);
}
