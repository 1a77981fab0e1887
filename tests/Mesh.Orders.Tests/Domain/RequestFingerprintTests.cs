using Mesh.Orders.Domain;

namespace Mesh.Orders.Tests.Domain;

public sealed class RequestFingerprintTests
{
    private const string User = "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42";

    [Fact]
    public void Of_SameContent_SameDigest()
    {
        Assert.Equal(
            RequestFingerprint.Of(User, [new("pen", 1), new("pad", 2)]),
            RequestFingerprint.Of(User, [new("pen", 1), new("pad", 2)]));
    }

    [Fact]
    public void Of_UserIdInOtherCase_SameDigest()
    {
        Assert.Equal(RequestFingerprint.Of(User, [new("pen", 1)]), RequestFingerprint.Of(User.ToUpperInvariant(), [new("pen", 1)]));
    }

    [Fact]
    public void Of_IsLowerCaseSha256Hex()
    {
        var digest = RequestFingerprint.Of(User, [new("pen", 1)]);

        Assert.Matches("^[0-9a-f]{64}$", digest);
    }

    [Theory]
    [InlineData("other user")]
    [InlineData("other quantity")]
    [InlineData("other sku")]
    [InlineData("sku case")]
    [InlineData("lines swapped")]
    [InlineData("extra line")]
    [InlineData("sku and quantity boundary")]
    public void Of_DifferentContent_DifferentDigest(string change)
    {
        var original = RequestFingerprint.Of(User, [new("pen", 12), new("pad", 2)]);

        var changed = change switch
        {
            "other user" => RequestFingerprint.Of("1b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", [new("pen", 12), new("pad", 2)]),
            "other quantity" => RequestFingerprint.Of(User, [new("pen", 13), new("pad", 2)]),
            "other sku" => RequestFingerprint.Of(User, [new("pencil", 12), new("pad", 2)]),
            "sku case" => RequestFingerprint.Of(User, [new("Pen", 12), new("pad", 2)]),
            "lines swapped" => RequestFingerprint.Of(User, [new("pad", 2), new("pen", 12)]),
            "extra line" => RequestFingerprint.Of(User, [new("pen", 12), new("pad", 2), new("ink", 1)]),
            "sku and quantity boundary" => RequestFingerprint.Of(User, [new("pen1", 2), new("pad", 2)]),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, "unknown change"),
        };

        Assert.NotEqual(original, changed);
    }
}
