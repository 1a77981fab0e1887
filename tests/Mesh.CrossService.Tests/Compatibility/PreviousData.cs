using System.Text.Json;
using Google.Protobuf;
using Mesh.Inventory.V1;
using Mesh.Orders.V1;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests.Compatibility;

/// <summary>
/// One set of databases written by the code before the store rewrite (Fixtures/BeforeStoreRewrite)
/// and what it holds, read from its manifest.json: every entity exactly as that code returned it.
/// </summary>
internal sealed class PreviousData
{
    /// <summary>The active user who placed a confirmed, a cancelled and a rejected order.</summary>
    public const string ActiveUserEmail = "ada@mesh.dev";

    /// <summary>A demo item with plenty of stock left, for the new order.</summary>
    public const string StockedSku = "MESH-MUG";

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    private PreviousData(string folder, JsonElement root)
    {
        Folder = folder;
        var heads = root.GetProperty("heads");
        UsersHead = heads.GetProperty("users").GetInt64();
        InventoryHead = heads.GetProperty("inventory").GetInt64();
        OrdersHead = heads.GetProperty("orders").GetInt64();
        OrderStatsCursor = root.GetProperty("orderStatsCursor").GetInt64();
        Users = Parse<User>(root.GetProperty("users"));
        Items = Parse<Item>(root.GetProperty("items"));
        Orders = Parse<Order>(root.GetProperty("orders"));
        OrderStats = root.GetProperty("orderStats").EnumerateArray().ToDictionary(
            entry => entry.GetProperty("userId").GetString()!,
            entry => Parser.Parse<OrderStats>(entry.GetProperty("orderStats").GetRawText()));
    }

    /// <summary>The folder holding the databases (or dumps) and the manifest.</summary>
    public string Folder { get; }

    /// <summary>Every user, in creation order.</summary>
    public IReadOnlyList<User> Users { get; }

    /// <summary>Every item, ordered by sku (as ListItems returns them).</summary>
    public IReadOnlyList<Item> Items { get; }

    /// <summary>Every order: confirmed, cancelled, rejected.</summary>
    public IReadOnlyList<Order> Orders { get; }

    /// <summary>Users' order statistics per user id.</summary>
    public IReadOnlyDictionary<string, OrderStats> OrderStats { get; }

    public long UsersHead { get; }

    public long InventoryHead { get; }

    public long OrdersHead { get; }

    /// <summary>The orders event the statistics were computed through (users' consumer cursor).</summary>
    public long OrderStatsCursor { get; }

    public User ActiveUser => Users.Single(user => user.Email == ActiveUserEmail);

    public Item StockedItem => Items.Single(item => item.Sku == StockedSku);

    /// <summary>Loads the set of <paramref name="provider"/> ("sqlite" or "postgres") copied next to the test assembly.</summary>
    public static PreviousData Load(string provider)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "BeforeStoreRewrite", provider);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        return new PreviousData(folder, manifest.RootElement);
    }

    private static List<T> Parse<T>(JsonElement array)
        where T : IMessage<T>, new() =>
        [.. array.EnumerateArray().Select(element => Parser.Parse<T>(element.GetRawText()))];
}
