using Mesh.Users.Domain;

namespace Mesh.Users.Storage;

/// <summary>One page of users in creation order, and the sequence to continue after when more exist.</summary>
public sealed record UserPage(IReadOnlyList<UserRecord> Users, long? NextAfterSequence);
