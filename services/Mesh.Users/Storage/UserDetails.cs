using Mesh.Users.Domain;

namespace Mesh.Users.Storage;

/// <summary>What GetUser answers: the user and its order statistics.</summary>
public sealed record UserDetails(UserRecord User, UserOrderStats OrderStats);
