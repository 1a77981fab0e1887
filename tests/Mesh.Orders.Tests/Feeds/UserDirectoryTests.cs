using Grpc.Core;
using Mesh.Orders.Tests.Support;
using Mesh.Testing;

namespace Mesh.Orders.Tests.Feeds;

/// <summary>
/// The user check from orders' own memory (<see cref="Mesh.Orders.Feeds.UserDirectory"/>): a user
/// checked once is not asked about again while users' feed is live, a deactivation arriving on the
/// feed rejects the user's next orders, and without the feed every order asks users.
/// </summary>
public sealed class UserDirectoryTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task PlaceOrder_SecondOrderOfAUser_AsksUsersNoMore()
    {
        using var mesh = new OrdersMesh();
        var (userId, sku) = await ReadyAsync(mesh);
        await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));
        var calls = mesh.UserFaults.Calls("GetUser");

        var second = await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));

        Assert.Equal(Mesh.Orders.V1.OrderState.Confirmed, second.Order.State);
        Assert.Equal(calls, mesh.UserFaults.Calls("GetUser"));
    }

    [Fact]
    public async Task PlaceOrder_UserDeactivatedAfterAnOrder_LaterOrdersRejectedOnceTheFeedBringsIt()
    {
        using var mesh = new OrdersMesh();
        var (userId, sku) = await ReadyAsync(mesh);
        await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));

        await mesh.DeactivateUserAsync(userId);

        RpcException? rejected = null;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));
                return false;
            }
            catch (RpcException exception)
            {
                rejected = exception;
                return true;
            }
        }, "an order of the deactivated user is rejected", Bounded);
        Assert.Equal(StatusCode.FailedPrecondition, rejected!.StatusCode);
        Assert.Equal("USER_INACTIVE", RpcAssert.Reason(rejected));
    }

    [Fact]
    public async Task PlaceOrder_UsersFeedCut_EveryOrderAsksUsersAndSeesADeactivationAtOnce()
    {
        using var mesh = new OrdersMesh();
        var (userId, sku) = await ReadyAsync(mesh);
        await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));
        await mesh.CutUsersFeedAsync();
        var calls = mesh.UserFaults.Calls("GetUser");

        await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));
        await mesh.DeactivateUserAsync(userId);
        var rejected = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1))).ResponseAsync);

        Assert.Equal("USER_INACTIVE", RpcAssert.Reason(rejected));
        Assert.Equal(calls + 2, mesh.UserFaults.Calls("GetUser"));
    }

    [Fact]
    public async Task PlaceOrder_FeedBackAfterACut_ForgetsWhatItHeldBefore()
    {
        using var mesh = new OrdersMesh();
        var (userId, sku) = await ReadyAsync(mesh);
        await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));
        await mesh.CutUsersFeedAsync();
        // A change orders cannot hear of while the feed is down.
        await mesh.DeactivateUserAsync(userId);

        mesh.UsersFeed.Restore();
        await mesh.UserDirectoryLiveAsync();

        // Had it kept the active user from before the cut, this order would go through.
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1))).ResponseAsync);
    }

    [Fact]
    public async Task PlaceOrder_UserCacheCapacityZero_EveryOrderAsksUsers()
    {
        using var mesh = new OrdersMesh(ordersSettings: new Dictionary<string, string> { ["Mesh:Orders:UserCacheCapacity"] = "0" });
        var userId = await mesh.CreateUserAsync();
        var sku = await mesh.CreateItemAsync(quantity: 100);
        await mesh.CachedItemAsync(sku);
        var calls = mesh.UserFaults.Calls("GetUser");

        await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));
        await mesh.Orders.PlaceOrderAsync(Requests.Place(userId, (sku, 1)));

        Assert.Equal(calls + 2, mesh.UserFaults.Calls("GetUser"));
        Assert.False(mesh.UserDirectory.IsLive);
    }

    [Fact]
    public async Task PlaceOrder_UnknownUser_RejectedEveryTimeAndNotRemembered()
    {
        using var mesh = new OrdersMesh();
        var (_, sku) = await ReadyAsync(mesh);
        var unknown = Guid.NewGuid().ToString();
        var calls = mesh.UserFaults.Calls("GetUser");

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => mesh.Orders.PlaceOrderAsync(Requests.Place(unknown, (sku, 1))).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => mesh.Orders.PlaceOrderAsync(Requests.Place(unknown, (sku, 1))).ResponseAsync);

        Assert.Equal(calls + 2, mesh.UserFaults.Calls("GetUser"));
    }

    private static async Task<(string UserId, string Sku)> ReadyAsync(OrdersMesh mesh)
    {
        var userId = await mesh.CreateUserAsync();
        var sku = await mesh.CreateItemAsync(quantity: 100);
        await mesh.CachedItemAsync(sku);
        await mesh.UserDirectoryLiveAsync();
        return (userId, sku);
    }
}
