using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.ClientFactory;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Users.Api;
using Mesh.Users.Feeds;
using Mesh.Users.V1;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Mesh.Users.Tests.Support;

/// <summary>
/// The users service in-process on its own database (SQLite, or PostgreSQL via
/// <see cref="UsersTestStorage"/>), with a manual clock and a client over a
/// real GrpcChannel. The Rejects* helpers also prove a refused call left the stored data alone.
/// Without orders (the default) the order statistics consumer stays idle, as it does when
/// Mesh:Services:Orders:Address is unset.
/// </summary>
public sealed class UsersHost : IDisposable
{
    public UsersHost()
        : this(databasePath: null, postgres: null, orders: null, realClock: false, settings: [])
    {
    }

    private UsersHost(
        string? databasePath, string? postgres, FakeOrders? orders, bool realClock, IReadOnlyList<(string Key, string Value)> settings)
    {
        Factory = new MeshServiceFactory<UserGrpcService>()
            .WithServices(services => services.AddSingleton(realClock ? TimeProvider.System : Time));
        if (databasePath is not null)
        {
            Factory.WithSetting("Mesh:Storage:Path", databasePath);
        }

        if (postgres is not null)
        {
            Factory.WithPostgres(postgres);
        }

        if (orders is not null)
        {
            Factory.WithSetting(OrderStatsConsumer.AddressKey, "http://localhost")
                .WithServices(services => RouteOrdersTo(services, orders));
        }

        foreach (var (key, value) in settings)
        {
            Factory.WithSetting(key, value);
        }

        DatabasePath = databasePath ?? Factory.DatabasePath;
        PostgresConnectionString = postgres;
        try
        {
            Channel = Factory.CreateChannel();
        }
        catch
        {
            // A host that refuses to start (a test of its settings) still gives back its temporary folder.
            Factory.Dispose();
            throw;
        }

        Client = new UserService.UserServiceClient(Channel);
    }

    /// <summary>A host on a database file the test owns, e.g. to restart on the same data.</summary>
    public static UsersHost OnDatabase(string databasePath) => new(databasePath, postgres: null, orders: null, realClock: false, settings: []);

    /// <summary>A host on the SQLite file, or on the PostgreSQL database when <paramref name="postgres"/> is set.</summary>
    public static UsersHost On(
        string databasePath, string? postgres, FakeOrders? orders, bool realClock, IReadOnlyList<(string Key, string Value)> settings) =>
        new(databasePath, postgres, orders, realClock, settings);

    /// <summary>
    /// A host whose order statistics consumer reads <paramref name="orders"/>; on
    /// <paramref name="databasePath"/> when given (to restart on the same data).
    /// </summary>
    public static UsersHost WithOrders(FakeOrders orders, string? databasePath = null, params (string Key, string Value)[] settings) =>
        new(databasePath, postgres: null, orders, realClock: false, settings);

    /// <summary>A host with extra settings; <paramref name="realClock"/> runs it on the system clock instead of the manual one.</summary>
    public static UsersHost WithSettings(bool realClock, params (string Key, string Value)[] settings) =>
        new(databasePath: null, postgres: null, orders: null, realClock, settings);

    public MeshServiceFactory<UserGrpcService> Factory { get; }

    /// <summary>Where the manual clock starts, so timestamps can be asserted exactly.</summary>
    public static DateTimeOffset Start { get; } = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public ManualTimeProvider Time { get; } = new(Start);

    public GrpcChannel Channel { get; }

    public UserService.UserServiceClient Client { get; }

    public string DatabasePath { get; }

    /// <summary>The PostgreSQL database the host runs on, or null when it runs on <see cref="DatabasePath"/>.</summary>
    public string? PostgresConnectionString { get; }

    public async Task<User> CreateUserAsync(string? email = null, string displayName = "Ada Lovelace", string? requestId = null)
    {
        var response = await Client.CreateUserAsync(new CreateUserRequest
        {
            RequestId = requestId ?? TestData.NewRequestId(),
            Email = email ?? TestData.UniqueEmail(),
            DisplayName = displayName,
        });
        return response.User;
    }

    public async Task<string> SnapshotAsync()
    {
        await using var connection = await StoredUsers.OpenAsync(DatabasePath, PostgresConnectionString);
        return await StoredUsers.SnapshotAsync(connection);
    }

    /// <summary>How many stored users have an email matching <paramref name="emailKey"/> (lower-case).</summary>
    public async Task<long> CountByEmailKeyAsync(string emailKey)
    {
        await using var connection = await StoredUsers.OpenAsync(DatabasePath, PostgresConnectionString);
        return await StoredUsers.CountByEmailKeyAsync(connection, emailKey);
    }

    /// <summary>Asserts <paramref name="call"/> fails with <paramref name="code"/> and changed no stored data.</summary>
    public async Task<RpcException> RejectsAsync(StatusCode code, Func<Task> call)
    {
        var before = await SnapshotAsync();
        var exception = await RpcAssert.FailsAsync(code, call);
        Assert.Equal(before, await SnapshotAsync());
        return exception;
    }

    /// <summary>Asserts INVALID_ARGUMENT naming <paramref name="field"/>, and no stored data changed.</summary>
    public async Task<BadRequest> RejectsFieldAsync(string field, Func<Task> call)
    {
        var before = await SnapshotAsync();
        var badRequest = await RpcAssert.InvalidFieldAsync(field, call);
        Assert.Equal(before, await SnapshotAsync());
        return badRequest;
    }

    public T Service<T>()
        where T : notnull => Factory.Services.GetRequiredService<T>();

    public void Dispose()
    {
        Channel.Dispose();
        Factory.Dispose();
    }

    // Sends the client's calls into the fake's TestServer. grpc-dotnet refuses client-side load
    // balancing over a non-socket handler, so (in tests only) the round-robin config is dropped.
    private static void RouteOrdersTo(IServiceCollection services, FakeOrders orders)
    {
        const string name = nameof(OrderService.OrderServiceClient);
        services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(orders.CreateHandler);
        services.Configure<GrpcClientFactoryOptions>(name, options =>
            options.ChannelOptionsActions.Add(channel => channel.ServiceConfig?.LoadBalancingConfigs.Clear()));
    }
}
