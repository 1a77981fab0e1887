using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Security;

namespace Mesh.ServiceDefaults.Tests.Security;

/// <summary>
/// The access rules the contracts declare are the ones the mesh promises: people act on
/// themselves, admins on everything a person may touch, catalogue reads need any token, the
/// reservation methods belong to orders alone, and no method is left without a rule.
/// </summary>
public sealed class AccessPolicyTests
{
    // method → who may call: "person" (any), "self" (subject field), "owner" (owner only), roles, services.
    public static TheoryData<string, string> Declared => new()
    {
        { "/mesh.users.v1.UserService/CreateUser", "person admin" },
        { "/mesh.users.v1.UserService/GetUser", "self:user_id admin orders" },
        { "/mesh.users.v1.UserService/BatchGetUsers", "admin" },
        { "/mesh.users.v1.UserService/ListUsers", "admin" },
        { "/mesh.users.v1.UserService/UpdateUser", "self:user_id admin" },
        { "/mesh.users.v1.UserService/DeactivateUser", "self:user_id admin" },
        { "/mesh.users.v1.UserService/WatchUsers", "admin orders" },
        { "/mesh.orders.v1.OrderService/PlaceOrder", "self:user_id admin" },
        { "/mesh.orders.v1.OrderService/GetOrder", "owner admin" },
        { "/mesh.orders.v1.OrderService/ListOrders", "self:user_id admin" },
        { "/mesh.orders.v1.OrderService/CancelOrder", "owner admin" },
        { "/mesh.orders.v1.OrderService/ListOrderEvents", "admin users" },
        { "/mesh.orders.v1.OrderService/WatchOrderEvents", "admin users" },
        { "/mesh.inventory.v1.InventoryService/CreateItem", "admin" },
        { "/mesh.inventory.v1.InventoryService/GetItem", "person orders" },
        { "/mesh.inventory.v1.InventoryService/BatchGetItems", "person orders" },
        { "/mesh.inventory.v1.InventoryService/ListItems", "person orders" },
        { "/mesh.inventory.v1.InventoryService/UpdateItem", "admin" },
        { "/mesh.inventory.v1.InventoryService/AdjustStock", "admin orders" },
        { "/mesh.inventory.v1.InventoryService/ReserveStock", "orders" },
        { "/mesh.inventory.v1.InventoryService/CommitReservation", "orders" },
        { "/mesh.inventory.v1.InventoryService/ReleaseReservation", "orders" },
        { "/mesh.inventory.v1.InventoryService/WatchInventory", "person orders" },
    };

    [Theory]
    [MemberData(nameof(Declared))]
    public void The_contract_declares_the_promised_rule(string method, string expected)
    {
        var rule = new AccessPolicy().Find(method)?.Rule;

        Assert.NotNull(rule);
        var actual = new List<string>();
        if (rule.AnyPerson)
        {
            actual.Add("person");
        }

        if (rule.SubjectField.Length > 0)
        {
            actual.Add($"self:{rule.SubjectField}");
        }

        if (rule.OwnerOnly)
        {
            actual.Add("owner");
        }

        actual.AddRange(rule.Roles);
        actual.AddRange(rule.Services);
        Assert.Equal(expected, string.Join(' ', actual));
        Assert.Contains(rule.RateLimit, new[] { "reads", "writes" });
    }

    [Fact]
    public void Every_method_declares_a_rule_and_the_table_above_covers_them_all()
    {
        var methods = new AccessPolicy().Methods.ToList();

        Assert.All(methods, method => Assert.NotNull(method.Rule));
        Assert.Equal(methods.Select(method => method.FullName).Order(), Declared.Select(row => (string)row[0]).Order());
    }

    [Fact]
    public void A_subject_field_rule_compares_uuids_whatever_their_case_and_admits_no_one_else()
    {
        var placeOrder = new AccessPolicy().Find("/mesh.orders.v1.OrderService/PlaceOrder")!;
        var ada = Guid.NewGuid().ToString();
        var request = new PlaceOrderRequest { UserId = ada.ToUpperInvariant() };

        Assert.True(placeOrder.Admits(MeshCaller.Person(ada, []), request));
        Assert.False(placeOrder.Admits(MeshCaller.Person(Guid.NewGuid().ToString(), []), request));
        Assert.False(placeOrder.Admits(MeshCaller.Person(ada, []), new PlaceOrderRequest()));
        Assert.True(placeOrder.Admits(MeshCaller.Person(Guid.NewGuid().ToString(), [MeshCaller.AdminRole]), request));
        Assert.False(placeOrder.Admits(MeshCaller.ForService("users", actingFor: ada), request));
        Assert.False(placeOrder.Admits(MeshCaller.ForWorkload("system:serviceaccount:default:x"), request));
        Assert.False(placeOrder.Admits(MeshCaller.Anonymous, request));
    }

    [Fact]
    public void Health_and_reflection_are_open_and_nothing_else_is()
    {
        Assert.True(AccessPolicy.IsOpen("/grpc.health.v1.Health/Check"));
        Assert.True(AccessPolicy.IsOpen("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"));
        Assert.False(AccessPolicy.IsOpen("/mesh.users.v1.UserService/GetUser"));
        Assert.Null(new AccessPolicy().Find("/mesh.users.v1.UserService/DropAll"));
    }

    [Fact]
    public void The_owner_check_lets_people_see_only_their_own()
    {
        var ada = Guid.NewGuid().ToString();

        Assert.True(MeshCaller.Person(ada, []).Owns(ada.ToUpperInvariant()));
        Assert.False(MeshCaller.Person(ada, []).Owns(Guid.NewGuid().ToString()));
        Assert.True(MeshCaller.Person("x", [MeshCaller.AdminRole]).Owns(ada));
        Assert.True(MeshCaller.Unrestricted.Owns(ada));
        Assert.False(MeshCaller.Anonymous.Owns(ada));
        Assert.False(MeshCaller.ForWorkload("w").Owns(ada));
    }
}
