namespace Mesh.Launcher;

/// <summary>
/// What the <c>token</c> command mints: a person's token for <paramref name="Subject"/> (their user
/// id) with <paramref name="Roles"/>, valid for <paramref name="Lifetime"/>, signed with the key in
/// <paramref name="DataDirectory"/>.
/// </summary>
public sealed record TokenRequest(Guid Subject, IReadOnlyList<string> Roles, TimeSpan Lifetime, string DataDirectory);
