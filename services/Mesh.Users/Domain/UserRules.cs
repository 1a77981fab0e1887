namespace Mesh.Users.Domain;

/// <summary>How a stored user changes. Each rule returns the user unchanged when there is nothing to do.</summary>
public static class UserRules
{
    /// <summary>
    /// Applies the set fields of <paramref name="change"/>. The update time moves only when a
    /// value actually changes, so repeating an update is a true no-op.
    /// </summary>
    public static UserRecord Apply(UserRecord current, UserChange change, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);

        var email = change.Email ?? current.Email;
        var displayName = change.DisplayName ?? current.DisplayName;
        if (string.Equals(email, current.Email, StringComparison.Ordinal)
            && string.Equals(displayName, current.DisplayName, StringComparison.Ordinal))
        {
            return current;
        }

        return current with { Email = email, DisplayName = displayName, UpdateTime = now };
    }

    /// <summary>Deactivates an active user; an already deactivated user is returned as it is.</summary>
    public static UserRecord Deactivate(UserRecord current, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.Status == UserStatus.Deactivated
            ? current
            : current with { Status = UserStatus.Deactivated, UpdateTime = now };
    }
}
