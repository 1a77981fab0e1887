namespace Mesh.Users.Domain;

/// <summary>Lifecycle state of a stored user.</summary>
public enum UserStatus
{
    Active,
    Deactivated,
}
