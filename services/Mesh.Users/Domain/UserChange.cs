namespace Mesh.Users.Domain;

/// <summary>A validated UpdateUser request; a null field keeps its current value.</summary>
public sealed record UserChange(string UserId, string? Email, string? DisplayName);
