using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.ServiceDefaults.Security;
using Mesh.Testing;
using Mesh.Testing.Security;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests.Access;

/// <summary>
/// The three services as processes with access control on, trusting a test issuer's key set, each
/// calling the others with its own token file; and the people the tests act as: Ada and Bob (each
/// signed up with their own token, so their user id is their subject), an admin, and Ada's order.
/// </summary>
public sealed class AccessMeshFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("mesh-access-").FullName;

    public TestTokens Tokens { get; } = new();

    public MeshLauncher Mesh { get; private set; } = null!;

    public string AdaId { get; } = Guid.NewGuid().ToString();

    public string BobId { get; } = Guid.NewGuid().ToString();

    public string AdminId { get; } = Guid.NewGuid().ToString();

    public string Sku { get; private set; } = "";

    public string AdaOrderId { get; private set; } = "";

    public string AdaToken => Tokens.Person(AdaId);

    public string BobToken => Tokens.Person(BobId);

    public string AdminToken => Tokens.Person(AdminId, MeshCaller.AdminRole);

    /// <summary>Call options carrying <paramref name="token"/> (none when null).</summary>
    public static CallOptions As(string? token) => new(
        headers: token is null ? null : new Metadata { { "authorization", $"Bearer {token}" } },
        deadline: Deadlines.Call());

    public GrpcChannel Channel(MeshService service) => GrpcChannel.ForAddress(Mesh.AddressOf(service));

    public HttpClient Http(MeshService service, string? token)
    {
        var client = new HttpClient { BaseAddress = Mesh.HttpAddressOf(service), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task InitializeAsync()
    {
        var options = MeshLauncherOptions.OnPorts(FreePorts.Take(6)) with
        {
            DataDirectory = _dataDirectory,
            Seed = false,
            StartTimeout = TimeSpan.FromSeconds(90),
            Output = _ => { },
            Environment = Enum.GetValues<MeshService>().ToDictionary(service => service, AuthEnvironment),
        };
        using var timeout = Deadlines.After(150);
        Mesh = await MeshLauncher.StartAsync(options, timeout.Token);

        using var users = Channel(MeshService.Users);
        using var inventory = Channel(MeshService.Inventory);
        using var orders = Channel(MeshService.Orders);
        await SignUpAsync(new UserService.UserServiceClient(users), AdaToken, "ada");
        await SignUpAsync(new UserService.UserServiceClient(users), BobToken, "bob");
        Sku = "AUTH-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        await new InventoryService.InventoryServiceClient(inventory).CreateItemAsync(new CreateItemRequest
        {
            Sku = Sku,
            Name = "Access test item",
            UnitPrice = new Mesh.Common.V1.Money { CurrencyCode = "USD", AmountMinor = 100 },
            InitialQuantity = 1000,
        }, As(AdminToken));
        var placed = await new OrderService.OrderServiceClient(orders).PlaceOrderAsync(TestData.PlaceRequest(AdaId, Sku, 1), As(AdaToken));
        AdaOrderId = placed.Order.OrderId;
    }

    public async Task DisposeAsync()
    {
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }

        Tokens.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private IReadOnlyDictionary<string, string?> AuthEnvironment(MeshService service)
    {
        var names = Enum.GetValues<MeshService>().Select(other => other.ToString().ToLowerInvariant()).ToArray();
        var environment = Tokens.ServiceSettings(names).ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), string? (setting) => setting.Value);
        environment["Mesh__Auth__TokenFile"] = Tokens.WriteServiceToken(service.ToString().ToLowerInvariant());
        // A token signed by a newly published key is taken within a second.
        environment["Mesh__Auth__People__UnknownKeyRefreshInterval"] = "00:00:01";
        return environment;
    }

    private static async Task SignUpAsync(UserService.UserServiceClient users, string token, string name) =>
        await users.CreateUserAsync(new CreateUserRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Email = $"{name}-{Guid.NewGuid():N}@mesh.dev",
            DisplayName = name,
        }, As(token));
}

[CollectionDefinition(Name)]
public sealed class AccessMeshCollection : ICollectionFixture<AccessMeshFixture>
{
    public const string Name = "Access mesh";
}
