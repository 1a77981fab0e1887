using Mesh.Common.V1;
using Mesh.Inventory.Tests.Support;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Paging;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Api;

/// <summary>Each test owns its host: listings depend on the whole catalog.</summary>
public abstract class ListItemsTests : IAsyncLifetime
{
    private InventoryHost? _created;

    /// <summary>True in the derived class that runs these tests on PostgreSQL.</summary>
    protected abstract bool OnPostgres { get; }

    private InventoryHost Host => _created ?? throw new InvalidOperationException("The host is created in InitializeAsync.");

    public async Task InitializeAsync() => _created = await InventoryHost.CreateAsync(OnPostgres);

    public async Task DisposeAsync()
    {
        if (_created is not null)
        {
            await _created.DisposeAsync();
        }
    }

    [ContractFact]
    public async Task ListItems_SeveralPages_ReturnsEveryItemOnceInOrdinalSkuOrder()
    {
        string[] skus = ["b", "B", "a-1", "A", "0", "Z.9", "a_1", "aa", "a", "9z"];
        foreach (var sku in skus)
        {
            await Host.CreateItemAsync(sku, 1);
        }

        var pages = new List<ListItemsResponse>();
        var token = string.Empty;
        do
        {
            var page = await Host.Client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = 3, PageToken = token } });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 10);

        Assert.Equal([3, 3, 3, 1], pages.Select(page => page.Items.Count));
        Assert.Equal(skus.Order(StringComparer.Ordinal), pages.SelectMany(page => page.Items).Select(item => item.Sku));
    }

    [ContractFact]
    public async Task ListItems_ExactlyOnePageOfItems_LastPageHasNoToken()
    {
        foreach (var sku in new[] { "x", "y" })
        {
            await Host.CreateItemAsync(sku, 1);
        }

        var page = await Host.Client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = 2 } });

        Assert.Equal(2, page.Items.Count);
        Assert.Empty(page.NextPageToken);
    }

    [ContractFact]
    public async Task ListItems_ItemInsertedBeforeCursor_NextPageNeitherRepeatsNorSkips()
    {
        foreach (var sku in new[] { "c", "d", "e", "f" })
        {
            await Host.CreateItemAsync(sku, 1);
        }

        var first = await Host.Client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = 2 } });
        await Host.CreateItemAsync("a", 1);
        var second = await Host.Client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = 2, PageToken = first.NextPageToken } });

        Assert.Equal(["c", "d"], first.Items.Select(item => item.Sku));
        Assert.Equal(["e", "f"], second.Items.Select(item => item.Sku));
        Assert.Empty(second.NextPageToken);
    }

    [ContractFact]
    public async Task ListItems_EmptyCatalog_ReturnsNoItemsAndNoToken()
    {
        var page = await Host.Client.ListItemsAsync(new ListItemsRequest());

        Assert.Empty(page.Items);
        Assert.Empty(page.NextPageToken);
    }

    [ContractTheory]
    [InlineData(0, 50)]
    [InlineData(1000, 200)]
    public async Task ListItems_DefaultAndOversizedPageSize_UseDefaultAndCap(int requested, int expected)
    {
        for (var index = 0; index < 205; index++)
        {
            await Host.CreateItemAsync($"item-{index:D3}", 1);
        }

        var page = await Host.Client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = requested } });

        Assert.Equal(expected, page.Items.Count);
        Assert.NotEmpty(page.NextPageToken);
    }

    [ContractFact]
    public async Task ListItems_NegativePageSize_FailsNamingPageSize()
    {
        await RpcAssert.InvalidFieldAsync("page.page_size",
            () => Host.Client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageSize = -1 } }).ResponseAsync);
    }

    [ContractTheory]
    [InlineData("not a token!")]
    [InlineData("Zm9vYmFy")]
    [InlineData("\u00e9\u00e9")]
    public async Task ListItems_GarbagePageToken_FailsNamingPageToken(string token)
    {
        await RpcAssert.InvalidFieldAsync("page.page_token",
            () => Host.Client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageToken = token } }).ResponseAsync);
    }

    [ContractFact]
    public async Task ListItems_TokenIssuedForAnotherListing_FailsNamingPageToken()
    {
        var foreign = PageToken.Encode("users", "someone");

        await RpcAssert.InvalidFieldAsync("page.page_token",
            () => Host.Client.ListItemsAsync(new ListItemsRequest { Page = new PageRequest { PageToken = foreign } }).ResponseAsync);
    }
}

public sealed class SqliteListItemsTests : ListItemsTests
{
    protected override bool OnPostgres => false;
}

public sealed class PostgresListItemsTests : ListItemsTests, IRequiresPostgres
{
    protected override bool OnPostgres => true;
}
