using Mesh.Users.Domain;

namespace Mesh.Users.Storage;

/// <summary>
/// Every read and write of users, whatever stores them. Each write decides and applies its
/// change atomically, so racing requests (on one process or on several replicas) get the same
/// outcomes they would one after the other: one user per request id, one user per email
/// (case-insensitively). A write that changes a user appends exactly one event to the users
/// feed in the same transaction; one that changes nothing (a replay, a no-op, a refusal) appends none.
/// </summary>
public interface IUserRepository
{
    /// <summary>Creates the user unless the request id was seen before (replay or reuse) or the email is taken.</summary>
    Task<UserWriteResult> CreateAsync(NewUser user, string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="change"/> unless the user is unknown or the new email belongs to another user.</summary>
    Task<UserWriteResult> UpdateAsync(UserChange change, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deactivates the user; an already deactivated user is left as it is.</summary>
    Task<UserWriteResult> DeactivateAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The users among <paramref name="userIds"/> that exist, keyed by id.</summary>
    Task<IReadOnlyDictionary<string, UserRecord>> GetManyAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> users created after <paramref name="afterSequence"/>, oldest first.</summary>
    Task<UserPage> ListAsync(long afterSequence, int limit, CancellationToken cancellationToken);
}
