using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Health.V1;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Security;
using Mesh.Testing;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests.Access;

/// <summary>
/// What people rely on with access control on: the saga still crosses the mesh (each service with
/// its own identity), someone else's order looks missing, refusals say why, a person cannot borrow
/// a service's trust, probes stay open, and a rotated key is taken without a restart.
/// </summary>
[Collection(AccessMeshCollection.Name)]
public sealed class AccessTests(AccessMeshFixture mesh)
{
    private static CallOptions As(string? token) => AccessMeshFixture.As(token);

    [Fact]
    public async Task A_person_places_an_order_for_themself_and_the_saga_reserves_stock_with_the_orders_identity()
    {
        using var orders = mesh.Channel(MeshService.Orders);
        using var inventory = mesh.Channel(MeshService.Inventory);
        var stockBefore = (await new InventoryService.InventoryServiceClient(inventory).GetItemAsync(new GetItemRequest { Sku = mesh.Sku }, As(mesh.AdaToken))).Item.AvailableQuantity;

        var placed = await new OrderService.OrderServiceClient(orders).PlaceOrderAsync(TestData.PlaceRequest(mesh.AdaId, mesh.Sku, 2), As(mesh.AdaToken));

        Assert.Equal(OrderState.Confirmed, placed.Order.State);
        var stockAfter = (await new InventoryService.InventoryServiceClient(inventory).GetItemAsync(new GetItemRequest { Sku = mesh.Sku }, As(mesh.AdaToken))).Item.AvailableQuantity;
        Assert.Equal(stockBefore - 2, stockAfter);
    }

    [Fact]
    public async Task Someone_elses_order_looks_missing_and_cannot_be_cancelled()
    {
        using var channel = mesh.Channel(MeshService.Orders);
        var orders = new OrderService.OrderServiceClient(channel);

        var read = await RpcAssert.FailsAsync(StatusCode.NotFound, () => orders.GetOrderAsync(new GetOrderRequest { OrderId = mesh.AdaOrderId }, As(mesh.BobToken)).ResponseAsync);
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => orders.GetOrderAsync(new GetOrderRequest { OrderId = Guid.NewGuid().ToString() }, As(mesh.BobToken)).ResponseAsync);
        Assert.Equal(RpcAssert.Reason(missing), RpcAssert.Reason(read));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => orders.CancelOrderAsync(new CancelOrderRequest { OrderId = mesh.AdaOrderId }, As(mesh.BobToken)).ResponseAsync);

        using var http = mesh.Http(MeshService.Orders, mesh.BobToken);
        await RestAssert.FailsAsync(await http.GetAsync($"/v1/orders/{mesh.AdaOrderId}"), HttpStatusCode.NotFound, Google.Rpc.Code.NotFound);
        await RestAssert.FailsAsync(await http.PostAsync($"/v1/orders/{mesh.AdaOrderId}:cancel", RestAssert.Json("{}")), HttpStatusCode.NotFound, Google.Rpc.Code.NotFound);

        var stillAdas = await orders.GetOrderAsync(new GetOrderRequest { OrderId = mesh.AdaOrderId }, As(mesh.AdaToken));
        Assert.Equal(OrderState.Confirmed, stillAdas.Order.State);
        var adminSees = await orders.GetOrderAsync(new GetOrderRequest { OrderId = mesh.AdaOrderId }, As(mesh.AdminToken));
        Assert.Equal(mesh.AdaId, adminSees.Order.UserId);
    }

    [Fact]
    public async Task A_refusal_names_the_method_and_what_it_takes_over_grpc_and_rest()
    {
        using var channel = mesh.Channel(MeshService.Inventory);
        var inventory = new InventoryService.InventoryServiceClient(channel);

        var denied = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => inventory.ReserveStockAsync(
            new ReserveStockRequest { ReservationId = Guid.NewGuid().ToString(), Lines = { new ReservationLine { Sku = mesh.Sku, Quantity = 1 } } },
            As(mesh.AdminToken)).ResponseAsync);
        Assert.Equal("PERMISSION_DENIED", RpcAssert.Reason(denied));
        Assert.Contains("service orders", denied.Status.Detail, StringComparison.Ordinal);

        using var http = mesh.Http(MeshService.Inventory, mesh.AdaToken);
        var status = await RestAssert.FailsAsync(await http.PostAsync($"/v1/items/{mesh.Sku}:adjustStock",
            RestAssert.Json($$"""{"requestId":"{{Guid.NewGuid()}}","delta":5}""")), HttpStatusCode.Forbidden, Google.Rpc.Code.PermissionDenied);
        Assert.Equal("PERMISSION_DENIED", RestAssert.Reason(status));
        Assert.Contains("role admin", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_token_over_rest_is_401_with_a_bearer_challenge_that_says_why()
    {
        using var http = mesh.Http(MeshService.Inventory, mesh.Tokens.Expired(mesh.AdaId));
        var response = await http.GetAsync("/v1/items");

        await RestAssert.FailsAsync(response, HttpStatusCode.Unauthorized, Google.Rpc.Code.Unauthenticated);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("expired", challenge.Parameter, StringComparison.Ordinal);

        using var anonymous = mesh.Http(MeshService.Inventory, token: null);
        var bare = await anonymous.GetAsync("/v1/items");
        await RestAssert.FailsAsync(bare, HttpStatusCode.Unauthorized, Google.Rpc.Code.Unauthenticated);
        Assert.Equal("Bearer realm=\"mesh\"", bare.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_person_cannot_claim_to_act_for_someone_else()
    {
        using var channel = mesh.Channel(MeshService.Users);
        var users = new UserService.UserServiceClient(channel);
        var headers = new Metadata { { "authorization", $"Bearer {mesh.BobToken}" }, { MeshCaller.ActingForHeader, mesh.AdaId } };

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => users.GetUserAsync(new GetUserRequest { UserId = mesh.AdaId }, headers, Deadlines.Call()).ResponseAsync);
        var own = await users.GetUserAsync(new GetUserRequest { UserId = mesh.BobId }, As(mesh.BobToken));
        Assert.Equal(mesh.BobId, own.User.UserId);
    }

    [Fact]
    public async Task A_person_signs_up_as_their_subject_once_and_a_subject_that_is_no_uuid_cannot()
    {
        using var channel = mesh.Channel(MeshService.Users);
        var users = new UserService.UserServiceClient(channel);
        var subject = Guid.NewGuid().ToString();
        CreateUserRequest SignUp() => new() { RequestId = Guid.NewGuid().ToString(), Email = $"s-{Guid.NewGuid():N}@mesh.dev", DisplayName = "Signs up" };

        var created = await users.CreateUserAsync(SignUp(), As(mesh.Tokens.Person(subject)));
        Assert.Equal(subject, created.User.UserId);

        var again = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => users.CreateUserAsync(SignUp(), As(mesh.Tokens.Person(subject))).ResponseAsync);
        Assert.Contains(subject, again.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => users.CreateUserAsync(SignUp(), As(mesh.Tokens.Person("auth0|12345"))).ResponseAsync);

        var byAdmin = await users.CreateUserAsync(SignUp(), As(mesh.AdminToken));
        Assert.NotEqual(mesh.AdminId, byAdmin.User.UserId);
    }

    [Fact]
    public async Task Health_and_reflection_answer_without_a_token()
    {
        foreach (var service in Enum.GetValues<MeshService>())
        {
            using var channel = mesh.Channel(service);
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: Deadlines.Call());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

            var reflection = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(channel);
            using var call = reflection.ServerReflectionInfo(deadline: Deadlines.Call());
            await call.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.NotEmpty(call.ResponseStream.Current.ListServicesResponse.Service);
        }
    }

    [Fact]
    public async Task A_key_published_beside_the_old_one_is_accepted_without_a_restart()
    {
        using var next = new Testing.Security.TestTokens();
        var keySet = JsonNode.Parse(await File.ReadAllTextAsync(mesh.Tokens.KeySetPath))!.AsObject();
        var published = keySet["keys"]!.AsArray();
        var original = keySet.ToJsonString();
        foreach (var key in JsonNode.Parse(next.Issuer.KeySetJson())!["keys"]!.AsArray())
        {
            published.Add(key!.DeepClone());
        }

        using var channel = mesh.Channel(MeshService.Inventory);
        var inventory = new InventoryService.InventoryServiceClient(channel);
        var token = next.Person(mesh.AdaId);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => inventory.GetItemAsync(new GetItemRequest { Sku = mesh.Sku }, As(token)).ResponseAsync);
        try
        {
            await File.WriteAllTextAsync(mesh.Tokens.KeySetPath, keySet.ToJsonString());
            await Eventually.HoldsAsync(async () =>
            {
                try
                {
                    await inventory.GetItemAsync(new GetItemRequest { Sku = mesh.Sku }, As(token));
                    return true;
                }
                catch (RpcException exception) when (exception.StatusCode == StatusCode.Unauthenticated)
                {
                    return false;
                }
            }, "a token signed by the newly published key is accepted", TimeSpan.FromSeconds(20));

            // The old key still works beside it.
            await inventory.GetItemAsync(new GetItemRequest { Sku = mesh.Sku }, As(mesh.AdaToken));
        }
        finally
        {
            await File.WriteAllTextAsync(mesh.Tokens.KeySetPath, original);
        }
    }

    [Fact]
    public async Task The_api_document_says_who_may_call_each_operation_and_that_it_needs_a_bearer_token()
    {
        using var http = mesh.Http(MeshService.Inventory, token: null);
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;

        Assert.Equal("bearer", (string?)document["components"]?["securitySchemes"]?["bearer"]?["scheme"]);
        var list = document["paths"]!["/v1/items"]!["get"]!;
        Assert.Contains("Access: any signed-in person, or service orders.", (string?)list["description"], StringComparison.Ordinal);
        Assert.NotNull(list["security"]?[0]?["bearer"]);
        Assert.NotNull(list["responses"]?["401"]);
        var create = document["paths"]!["/v1/items"]!["post"]!;
        Assert.Contains("Access: role admin.", (string?)create["description"], StringComparison.Ordinal);
    }
}
