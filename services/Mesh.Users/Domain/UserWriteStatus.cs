namespace Mesh.Users.Domain;

/// <summary>What a write did, or why it did nothing.</summary>
public enum UserWriteStatus
{
    /// <summary>A new user was stored.</summary>
    Created,

    /// <summary>A CreateUser retry: the user created by the first call with this request id.</summary>
    Replayed,

    /// <summary>The user was changed.</summary>
    Updated,

    /// <summary>The request asked for the values the user already has; nothing was written.</summary>
    Unchanged,

    /// <summary>No user has the given id.</summary>
    NotFound,

    /// <summary>The request id was used before with different fields.</summary>
    RequestIdReused,

    /// <summary>Another user has the email (compared case-insensitively).</summary>
    EmailTaken,

    /// <summary>A user with the requested id exists already (a person signing up twice).</summary>
    IdTaken,
}
