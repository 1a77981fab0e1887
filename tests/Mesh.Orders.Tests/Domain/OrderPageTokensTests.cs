using Grpc.Core;
using Mesh.Orders.Api;

namespace Mesh.Orders.Tests.Domain;

public sealed class OrderPageTokensTests
{
    private const string User = "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42";

    [Fact]
    public void Decode_EncodedToken_ReturnsSequence()
    {
        Assert.Equal(42, OrderPageTokens.Decode(OrderPageTokens.Encode(User, 42), User));
    }

    [Fact]
    public void Decode_EmptyToken_FirstPage()
    {
        Assert.Null(OrderPageTokens.Decode(string.Empty, User));
        Assert.Null(OrderPageTokens.Decode(null, User));
    }

    [Theory]
    [InlineData("not base64 !")]
    [InlineData("cDEfb3JkZXJzLzBiNmYxYzFlLThkM2EtNGMzOC05YjFmLTJmNmEzYzFkOWU0Mh8tMQ")]
    public void Decode_ForgedToken_InvalidArgument(string token)
    {
        var exception = Assert.Throws<RpcException>(() => OrderPageTokens.Decode(token, User));

        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
    }

    [Fact]
    public void Decode_TokenOfAnotherUser_InvalidArgument()
    {
        var token = OrderPageTokens.Encode("1b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", 42);

        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => OrderPageTokens.Decode(token, User)).StatusCode);
    }
}
