using Grpc.Core;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;

namespace Mesh.Orders.Tests.Api;

/// <summary>Malformed PlaceOrder requests: INVALID_ARGUMENT naming the field, no order stored, no downstream call.</summary>
public sealed class PlaceOrderValidationTests : IClassFixture<MeshFixture>
{
    private const string ValidUuid = "0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42";
    private readonly OrdersMesh _mesh;

    public PlaceOrderValidationTests(MeshFixture fixture)
    {
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [Theory]
    [InlineData("request_id empty", "request_id")]
    [InlineData("request_id not a uuid", "request_id")]
    [InlineData("request_id with braces", "request_id")]
    [InlineData("request_id without hyphens", "request_id")]
    [InlineData("request_id with fullwidth digits", "request_id")]
    [InlineData("request_id huge", "request_id")]
    [InlineData("user_id empty", "user_id")]
    [InlineData("user_id with trailing space", "user_id")]
    [InlineData("no lines", "lines")]
    [InlineData("51 lines", "lines")]
    [InlineData("duplicate skus", "lines[1]")]
    [InlineData("sku empty", "lines[0].sku")]
    [InlineData("sku 65 characters", "lines[0].sku")]
    [InlineData("sku starting with a hyphen", "lines[0].sku")]
    [InlineData("sku with a space", "lines[0].sku")]
    [InlineData("sku with an accented letter", "lines[0].sku")]
    [InlineData("sku with a zero-width space", "lines[0].sku")]
    [InlineData("sku with a right-to-left override", "lines[0].sku")]
    [InlineData("sku with an emoji", "lines[0].sku")]
    [InlineData("quantity zero", "lines[0].quantity")]
    [InlineData("quantity negative", "lines[0].quantity")]
    [InlineData("quantity 10001", "lines[0].quantity")]
    [InlineData("quantity int64 max", "lines[0].quantity")]
    [InlineData("quantity int64 min", "lines[0].quantity")]
    [InlineData("second line bad quantity", "lines[1].quantity")]
    public async Task PlaceOrder_MalformedRequest_InvalidArgumentNamingFieldAndNothingStored(string scenario, string field)
    {
        var request = Malformed(scenario);
        var before = _mesh.OrdersSnapshot();
        var userCalls = _mesh.UserFaults.Calls("GetUser");
        var reserves = _mesh.InventoryFaults.Calls("ReserveStock");

        var badRequest = await RpcAssert.InvalidFieldAsync(field, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Single(badRequest.FieldViolations);
        Assert.Equal(before, _mesh.OrdersSnapshot());
        Assert.Equal(userCalls, _mesh.UserFaults.Calls("GetUser"));
        Assert.Equal(reserves, _mesh.InventoryFaults.Calls("ReserveStock"));
    }

    [Fact]
    public async Task PlaceOrder_SeveralBadFields_NamesEveryOne()
    {
        var request = new PlaceOrderRequest
        {
            RequestId = "nope",
            UserId = string.Empty,
            Lines = { new PlaceOrderLine { Sku = "ok-sku", Quantity = 0 }, new PlaceOrderLine { Sku = "bad sku", Quantity = 1 } },
        };

        var badRequest = await RpcAssert.InvalidFieldAsync("request_id", () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(
            ["request_id", "user_id", "lines[0].quantity", "lines[1].sku"],
            badRequest.FieldViolations.Select(violation => violation.Field));
    }

    [Fact]
    public async Task PlaceOrder_FiftyLinesAndLimits_PassesValidation()
    {
        // At every limit at once the request is valid: it reaches the saga and fails there on the unknown user.
        var request = new PlaceOrderRequest { RequestId = Guid.NewGuid().ToString(), UserId = Guid.NewGuid().ToString() };
        request.Lines.Add(new PlaceOrderLine { Sku = new string('a', 64), Quantity = 10_000 });
        request.Lines.AddRange(Enumerable.Range(1, 49).Select(i => new PlaceOrderLine { Sku = $"Z9._-{i}", Quantity = 1 }));

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _mesh.Orders.PlaceOrderAsync(request).ResponseAsync);
    }

    private static PlaceOrderRequest Malformed(string scenario)
    {
        var request = new PlaceOrderRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            UserId = ValidUuid,
            Lines = { new PlaceOrderLine { Sku = "sku-1", Quantity = 1 } },
        };
        var line = request.Lines[0];
        switch (scenario)
        {
            case "request_id empty": request.RequestId = string.Empty; break;
            case "request_id not a uuid": request.RequestId = "order-123"; break;
            case "request_id with braces": request.RequestId = "{" + ValidUuid + "}"; break;
            case "request_id without hyphens": request.RequestId = ValidUuid.Replace("-", string.Empty, StringComparison.Ordinal); break;
            case "request_id with fullwidth digits": request.RequestId = "\uFF10" + ValidUuid[1..]; break;
            case "request_id huge": request.RequestId = new string('7', 100_000); break;
            case "user_id empty": request.UserId = string.Empty; break;
            case "user_id with trailing space": request.UserId = ValidUuid + " "; break;
            case "no lines": request.Lines.Clear(); break;
            case "51 lines":
                request.Lines.AddRange(Enumerable.Range(1, 50).Select(i => new PlaceOrderLine { Sku = $"sku-x{i}", Quantity = 1 }));
                break;
            case "duplicate skus": request.Lines.Add(new PlaceOrderLine { Sku = "sku-1", Quantity = 2 }); break;
            case "sku empty": line.Sku = string.Empty; break;
            case "sku 65 characters": line.Sku = new string('a', 65); break;
            case "sku starting with a hyphen": line.Sku = "-sku"; break;
            case "sku with a space": line.Sku = "sku 1"; break;
            case "sku with an accented letter": line.Sku = "caf\u00e9"; break;
            case "sku with a zero-width space": line.Sku = "sku\u200b1"; break;
            case "sku with a right-to-left override": line.Sku = "sku\u202e1"; break;
            case "sku with an emoji": line.Sku = "sku-\U0001F600"; break;
            case "quantity zero": line.Quantity = 0; break;
            case "quantity negative": line.Quantity = -1; break;
            case "quantity 10001": line.Quantity = 10_001; break;
            case "quantity int64 max": line.Quantity = long.MaxValue; break;
            case "quantity int64 min": line.Quantity = long.MinValue; break;
            case "second line bad quantity": request.Lines.Add(new PlaceOrderLine { Sku = "sku-2", Quantity = 20_000 }); break;
            default: throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "unknown scenario");
        }

        return request;
    }
}
