namespace Mesh.Users.Tests.Support;

/// <summary>Fresh identifiers and emails, so tests sharing one host never collide.</summary>
public static class TestData
{
    public static string NewRequestId() => Guid.NewGuid().ToString();

    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";
}
