using Mesh.Users.Domain;
using Xunit;

namespace Mesh.Users.Tests.Domain;

public sealed class RequestFingerprintTests
{
    [Fact]
    public void Of_SameFields_SameFingerprint()
    {
        Assert.Equal(RequestFingerprint.Of("a@b.c", "Ada"), RequestFingerprint.Of("a@b.c", "Ada"));
    }

    [Theory]
    [InlineData("a@b.c", "Ada", "A@b.c", "Ada")]
    [InlineData("a@b.c", "Ada", "a@b.c", "ada")]
    [InlineData("a@b.c", "Ada", "a@b.cA", "da")]
    public void Of_DifferentFields_DifferentFingerprint(string email1, string name1, string email2, string name2)
    {
        Assert.NotEqual(RequestFingerprint.Of(email1, name1), RequestFingerprint.Of(email2, name2));
    }

    [Fact]
    public void Of_AnyFields_IsLowerCaseSha256Hex()
    {
        var fingerprint = RequestFingerprint.Of("a@b.c", "Ada");

        Assert.Equal(64, fingerprint.Length);
        Assert.All(fingerprint, c => Assert.True(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f', $"unexpected '{c}'"));
    }
}
