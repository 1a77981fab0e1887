using Grpc.Core;
using Mesh.ServiceDefaults.Paging;

namespace Mesh.ServiceDefaults.Tests;

public class PageTokenTests
{
    [Fact]
    public void Decode_TokenFromEncode_ReturnsLastKey()
    {
        var token = PageToken.Encode("user:42", "000123");

        Assert.Equal("000123", PageToken.Decode(token, "user:42"));
    }

    [Fact]
    public void Decode_Empty_ReturnsNull()
    {
        Assert.Null(PageToken.Decode(string.Empty, "any"));
    }

    [Theory]
    [InlineData("!!!not base64!!!")]
    [InlineData("aGVsbG8")] // valid base64url, not a token
    public void Decode_Garbage_IsInvalidArgumentOnPageToken(string token)
    {
        var exception = Assert.Throws<RpcException>(() => PageToken.Decode(token, "scope"));

        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        Assert.Contains("page.page_token", exception.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TokenFromAnotherScope_IsRejected()
    {
        var token = PageToken.Encode("user:a", "5");

        var exception = Assert.Throws<RpcException>(() => PageToken.Decode(token, "user:b"));
        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
    }
}
