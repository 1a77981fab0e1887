namespace Mesh.Users.Domain;

/// <summary>A stored user; email and display name are already trimmed and NFC-normalised.</summary>
public sealed record UserRecord(
    string UserId,
    string Email,
    string DisplayName,
    UserStatus Status,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime);
