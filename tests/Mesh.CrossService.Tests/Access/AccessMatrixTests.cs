using System.Net;
using System.Text.Json.Nodes;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Auth.V1;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Security;
using Mesh.Testing;
using Mesh.Users.V1;
using Xunit.Abstractions;

namespace Mesh.CrossService.Tests.Access;

/// <summary>
/// Every Mesh method × every kind of caller, over gRPC and over REST, against the outcome its
/// declared access rule promises. The methods come from the policy table itself, so a new method
/// without a row here fails the run. Refused calls carry requests that would write if admitted,
/// and afterwards nothing has changed; admitted calls carry requests that stop at validation, so
/// the matrix never changes what it then checks.
/// </summary>
[Collection(AccessMeshCollection.Name)]
public sealed class AccessMatrixTests(AccessMeshFixture mesh, ITestOutputHelper output)
{
    public enum Caller
    {
        None, Expired, WrongAudience, WrongIssuer, Unsigned, BadSignature, SharedSecret,
        Person, OtherPerson, Admin, OrdersService, UsersService, InventoryService, Workload,
    }

    private static readonly Caller[] Invalid = [Caller.None, Caller.Expired, Caller.WrongAudience, Caller.WrongIssuer, Caller.Unsigned, Caller.BadSignature, Caller.SharedSecret];

    [Fact]
    public void Every_method_in_the_policy_table_has_a_row_here()
    {
        var rows = Requests(new Subjects("u", "o", "SKU-1")).Keys.ToHashSet();
        var methods = new AccessPolicy().Methods.Select(method => method.FullName).ToHashSet();
        Assert.Equal(methods.Order(), rows.Order());
    }

    [Fact]
    public async Task Every_method_refuses_or_admits_every_caller_as_its_rule_says_and_refused_calls_write_nothing()
    {
        var subjects = await CreateSubjectsAsync();
        var requests = Requests(subjects);
        var cases = new AccessPolicy().Methods
            .SelectMany(method => Enum.GetValues<Caller>().Select(caller => (Method: method, Caller: caller, Expected: Expected(method, caller))))
            .ToList();
        var failures = new List<string>();

        // First every refused call, each with a request that would write if it were admitted.
        var before = await SnapshotAsync(subjects);
        foreach (var (method, caller, expected) in cases.Where(entry => entry.Expected != StatusCode.OK))
        {
            await CheckAsync(method, caller, expected, requests[method.FullName].Write, subjects, failures);
        }

        Assert.Equal(before, await SnapshotAsync(subjects));

        // Then every admitted call, with a request that stops at validation (or only reads).
        foreach (var (method, caller, expected) in cases.Where(entry => entry.Expected == StatusCode.OK))
        {
            await CheckAsync(method, caller, expected, requests[method.FullName].Probe, subjects, failures);
        }

        output.WriteLine($"{cases.Count} method × caller cases, over gRPC and (where bound) REST");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private async Task CheckAsync(MethodAccess method, Caller caller, StatusCode expected, IMessage request, Subjects subjects, List<string> failures)
    {
        var token = Token(caller, subjects);
        var grpc = await CallGrpcAsync(method, request, token);
        if (!Matches(expected, grpc))
        {
            failures.Add($"gRPC {method.FullName} as {caller}: expected {Describe(expected)}, got {grpc}");
        }

        if (method.Method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } http)
        {
            return;
        }

        var (rest, challenge) = await CallRestAsync(method, http, request, token);
        var restExpected = expected switch
        {
            StatusCode.Unauthenticated => HttpStatusCode.Unauthorized,
            StatusCode.PermissionDenied => HttpStatusCode.Forbidden,
            _ => (HttpStatusCode?)null,
        };
        if (restExpected is { } status ? rest != status : rest is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            failures.Add($"REST {http.PatternCase} {method.FullName} as {caller}: expected {restExpected?.ToString() ?? "admitted"}, got {(int)rest}");
        }

        if (rest == HttpStatusCode.Unauthorized && !challenge)
        {
            failures.Add($"REST {method.FullName} as {caller}: 401 without WWW-Authenticate: Bearer");
        }
    }

    /// <summary>What the rule promises <paramref name="caller"/>, given requests that name <see cref="Subjects.Person"/>.</summary>
    private static StatusCode Expected(MethodAccess method, Caller caller)
    {
        if (Invalid.Contains(caller))
        {
            return StatusCode.Unauthenticated;
        }

        var rule = method.Rule ?? new AccessRule();
        var admitted = caller switch
        {
            Caller.Person => rule.AnyPerson || rule.OwnerOnly || rule.SubjectField.Length > 0,
            Caller.OtherPerson => rule.AnyPerson || rule.OwnerOnly,
            Caller.Admin => rule.AnyPerson || rule.OwnerOnly || rule.Roles.Contains(MeshCaller.AdminRole),
            Caller.OrdersService => rule.Services.Contains("orders"),
            Caller.UsersService => rule.Services.Contains("users"),
            Caller.InventoryService => rule.Services.Contains("inventory"),
            _ => false,
        };
        return admitted ? StatusCode.OK : StatusCode.PermissionDenied;
    }

    private static bool Matches(StatusCode expected, StatusCode actual) => expected == StatusCode.OK
        ? actual is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        : actual == expected;

    private static string Describe(StatusCode expected) => expected == StatusCode.OK ? "admitted" : expected.ToString();

    private string? Token(Caller caller, Subjects subjects) => caller switch
    {
        Caller.None => null,
        Caller.Expired => mesh.Tokens.Expired(subjects.Person),
        Caller.WrongAudience => mesh.Tokens.WrongAudience(subjects.Person),
        Caller.WrongIssuer => mesh.Tokens.WrongIssuer(subjects.Person),
        Caller.Unsigned => Testing.Security.TestTokens.Unsigned(subjects.Person),
        Caller.BadSignature => mesh.Tokens.BadSignature(subjects.Person),
        Caller.SharedSecret => mesh.Tokens.SharedSecret(subjects.Person),
        Caller.Person => mesh.Tokens.Person(subjects.Person),
        Caller.OtherPerson => mesh.Tokens.Person(subjects.Other),
        Caller.Admin => mesh.AdminToken,
        Caller.OrdersService => mesh.Tokens.Service("orders"),
        Caller.UsersService => mesh.Tokens.Service("users"),
        Caller.InventoryService => mesh.Tokens.Service("inventory"),
        Caller.Workload => mesh.Tokens.Workload("system:serviceaccount:default:someone"),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private async Task<StatusCode> CallGrpcAsync(MethodAccess method, IMessage request, string? token)
    {
        using var channel = mesh.Channel(ServiceOf(method));
        var descriptor = method.Method;
        var grpcMethod = new Method<IMessage, IMessage>(
            descriptor.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary,
            descriptor.Service.FullName, descriptor.Name,
            Marshallers.Create<IMessage>(message => message.ToByteArray(), bytes => descriptor.InputType.Parser.ParseFrom(bytes)),
            Marshallers.Create<IMessage>(message => message.ToByteArray(), bytes => descriptor.OutputType.Parser.ParseFrom(bytes)));
        var options = AccessMeshFixture.As(token);
        try
        {
            if (descriptor.IsServerStreaming)
            {
                // The first message (stored events come at once) shows the stream was admitted.
                using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(grpcMethod, null, options, request);
                await call.ResponseStream.MoveNext(CancellationToken.None);
                return StatusCode.OK;
            }

            await channel.CreateCallInvoker().AsyncUnaryCall(grpcMethod, null, options, request);
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
    }

    private async Task<(HttpStatusCode Status, bool Challenge)> CallRestAsync(MethodAccess method, HttpRule http, IMessage request, string? token)
    {
        using var client = mesh.Http(ServiceOf(method), token);
        var (verb, template) = http.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => (HttpMethod.Get, http.Get),
            HttpRule.PatternOneofCase.Post => (HttpMethod.Post, http.Post),
            HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, http.Patch),
            HttpRule.PatternOneofCase.Put => (HttpMethod.Put, http.Put),
            HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, http.Delete),
            _ => throw new InvalidOperationException($"{method.FullName} has an unsupported HTTP rule"),
        };
        var fields = JsonNode.Parse(new JsonFormatter(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true)).Format(request))!.AsObject();
        var path = template;
        foreach (var field in request.Descriptor.Fields.InDeclarationOrder())
        {
            var placeholder = "{" + field.Name + "}";
            if (path.Contains(placeholder, StringComparison.Ordinal))
            {
                path = path.Replace(placeholder, Uri.EscapeDataString(fields[field.Name]?.GetValue<string>() ?? ""), StringComparison.Ordinal);
                fields.Remove(field.Name);
            }
        }

        using var message = new HttpRequestMessage(verb, path);
        if (http.Body == "*")
        {
            message.Content = RestAssert.Json(fields.ToJsonString());
        }
        else
        {
            var query = fields.Where(pair => pair.Value is JsonValue).Select(pair => $"{pair.Key}={Uri.EscapeDataString(pair.Value!.ToString())}");
            var skus = fields.Where(pair => pair.Value is JsonArray).SelectMany(pair => pair.Value!.AsArray().Select(item => $"{pair.Key}={Uri.EscapeDataString(item!.ToString())}"));
            message.RequestUri = new Uri(path + "?" + string.Join("&", query.Concat(skus)), UriKind.Relative);
        }

        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        var challenge = response.Headers.WwwAuthenticate.Any(value => value.Scheme == "Bearer");
        return (response.StatusCode, challenge);
    }

    private static MeshService ServiceOf(MethodAccess method) => method.Method.Service.FullName switch
    {
        "mesh.users.v1.UserService" => MeshService.Users,
        "mesh.inventory.v1.InventoryService" => MeshService.Inventory,
        "mesh.orders.v1.OrderService" => MeshService.Orders,
        var other => throw new InvalidOperationException($"no process serves {other}"),
    };

    /// <summary>The people and things the matrix's requests name: its own, so other tests' data is never touched.</summary>
    private sealed record Subjects(string Person, string Other, string Sku)
    {
        public string PersonOrder { get; init; } = Guid.NewGuid().ToString();
    }

    private async Task<Subjects> CreateSubjectsAsync()
    {
        var person = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();
        using var users = mesh.Channel(MeshService.Users);
        using var orders = mesh.Channel(MeshService.Orders);
        var userClient = new UserService.UserServiceClient(users);
        foreach (var subject in new[] { person, other })
        {
            await userClient.CreateUserAsync(new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), Email = $"m-{subject}@mesh.dev", DisplayName = "Matrix" },
                AccessMeshFixture.As(mesh.Tokens.Person(subject)));
        }

        var order = await new OrderService.OrderServiceClient(orders).PlaceOrderAsync(TestData.PlaceRequest(person, mesh.Sku, 1), AccessMeshFixture.As(mesh.Tokens.Person(person)));
        return new Subjects(person, other, mesh.Sku) { PersonOrder = order.Order.OrderId };
    }

    /// <summary>For each method: a request that would change something if admitted, and one that stops at validation.</summary>
    private static Dictionary<string, (IMessage Write, IMessage Probe)> Requests(Subjects subjects)
    {
        var newId = Guid.NewGuid().ToString();
        var place = TestData.PlaceRequest(subjects.Person, subjects.Sku, 1);
        IMessage reserve = new ReserveStockRequest { ReservationId = newId, Lines = { new ReservationLine { Sku = subjects.Sku, Quantity = 1 } } };
        return new()
        {
            ["/mesh.users.v1.UserService/CreateUser"] = (
                new CreateUserRequest { RequestId = newId, Email = $"new-{newId}@mesh.dev", DisplayName = "Intruder" },
                new CreateUserRequest { RequestId = newId, Email = "not an email", DisplayName = "Intruder" }),
            ["/mesh.users.v1.UserService/GetUser"] = Read(new GetUserRequest { UserId = subjects.Person }),
            ["/mesh.users.v1.UserService/BatchGetUsers"] = Read(new BatchGetUsersRequest { UserIds = { subjects.Person } }),
            ["/mesh.users.v1.UserService/ListUsers"] = Read(new ListUsersRequest()),
            ["/mesh.users.v1.UserService/UpdateUser"] = (
                new UpdateUserRequest { UserId = subjects.Person, DisplayName = "Hijacked" },
                new UpdateUserRequest { UserId = subjects.Person, DisplayName = "\u0001" }),
            ["/mesh.users.v1.UserService/DeactivateUser"] = (
                new DeactivateUserRequest { UserId = subjects.Person },
                // Admitted callers deactivate the matrix's own person: nothing else depends on them.
                new DeactivateUserRequest { UserId = subjects.Person }),
            ["/mesh.users.v1.UserService/WatchUsers"] = Read(new WatchUsersRequest()),
            ["/mesh.orders.v1.OrderService/PlaceOrder"] = (place, new PlaceOrderRequest { RequestId = newId, UserId = subjects.Person }),
            ["/mesh.orders.v1.OrderService/GetOrder"] = Read(new GetOrderRequest { OrderId = subjects.PersonOrder }),
            ["/mesh.orders.v1.OrderService/ListOrders"] = Read(new ListOrdersRequest { UserId = subjects.Person }),
            ["/mesh.orders.v1.OrderService/CancelOrder"] = (
                new CancelOrderRequest { OrderId = subjects.PersonOrder },
                new CancelOrderRequest { OrderId = "not-an-order-id" }),
            ["/mesh.orders.v1.OrderService/ListOrderEvents"] = Read(new ListOrderEventsRequest()),
            ["/mesh.orders.v1.OrderService/WatchOrderEvents"] = Read(new WatchOrderEventsRequest()),
            ["/mesh.inventory.v1.InventoryService/CreateItem"] = (
                new CreateItemRequest { Sku = "NEW-" + newId[..8].ToUpperInvariant(), Name = "Intruder", UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 1 }, InitialQuantity = 1 },
                new CreateItemRequest { Sku = "not a sku!", Name = "Intruder" }),
            ["/mesh.inventory.v1.InventoryService/GetItem"] = Read(new GetItemRequest { Sku = subjects.Sku }),
            ["/mesh.inventory.v1.InventoryService/BatchGetItems"] = Read(new BatchGetItemsRequest { Skus = { subjects.Sku } }),
            ["/mesh.inventory.v1.InventoryService/ListItems"] = Read(new ListItemsRequest()),
            ["/mesh.inventory.v1.InventoryService/UpdateItem"] = (
                new UpdateItemRequest { Sku = subjects.Sku, Name = "Hijacked" },
                new UpdateItemRequest { Sku = "not a sku!", Name = "Hijacked" }),
            ["/mesh.inventory.v1.InventoryService/AdjustStock"] = (
                new AdjustStockRequest { RequestId = newId, Sku = subjects.Sku, Delta = 500, Reason = "intruder" },
                new AdjustStockRequest { RequestId = newId, Sku = "not a sku!", Delta = 500 }),
            ["/mesh.inventory.v1.InventoryService/ReserveStock"] = (reserve, new ReserveStockRequest { ReservationId = "not-a-uuid" }),
            ["/mesh.inventory.v1.InventoryService/CommitReservation"] = (
                new CommitReservationRequest { ReservationId = newId },
                new CommitReservationRequest { ReservationId = "not-a-uuid" }),
            ["/mesh.inventory.v1.InventoryService/ReleaseReservation"] = (
                new ReleaseReservationRequest { ReservationId = newId },
                new ReleaseReservationRequest { ReservationId = "not-a-uuid" }),
            ["/mesh.inventory.v1.InventoryService/WatchInventory"] = Read(new WatchInventoryRequest()),
        };

        static (IMessage, IMessage) Read(IMessage request) => (request, request);
    }

    /// <summary>Everything a refused write could have changed, read as the admin.</summary>
    private async Task<string> SnapshotAsync(Subjects subjects)
    {
        var admin = AccessMeshFixture.As(mesh.AdminToken);
        using var users = mesh.Channel(MeshService.Users);
        using var inventory = mesh.Channel(MeshService.Inventory);
        using var orders = mesh.Channel(MeshService.Orders);
        var userClient = new UserService.UserServiceClient(users);
        var inventoryClient = new InventoryService.InventoryServiceClient(inventory);
        var orderClient = new OrderService.OrderServiceClient(orders);

        var person = (await userClient.GetUserAsync(new GetUserRequest { UserId = subjects.Person }, admin)).User;
        var userCount = (await userClient.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = 100 } }, admin)).Users.Count;
        var item = (await inventoryClient.GetItemAsync(new GetItemRequest { Sku = subjects.Sku }, admin)).Item;
        var itemCount = (await inventoryClient.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = 100 } }, admin)).Items.Count;
        var order = (await orderClient.GetOrderAsync(new GetOrderRequest { OrderId = subjects.PersonOrder }, admin)).Order;
        var head = (await orderClient.ListOrderEventsAsync(new ListOrderEventsRequest { PageSize = 1 }, admin)).HeadSequence;
        return $"user {person.DisplayName}/{person.State}/{person.UpdateTime}; users {userCount}; item {item.Name}/{item.AvailableQuantity}/{item.ReservedQuantity}/{item.UpdateTime}; items {itemCount}; order {order.State}; order log head {head}";
    }
}
