using Mesh.Common.V1;
using Mesh.Orders.Tests.Support;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Testing.Postgres;

namespace Mesh.Orders.Tests.Api;

/// <summary>ListOrders: one user's orders newest first, paged by cursor; bad pages are INVALID_ARGUMENT.</summary>
public abstract class ListOrdersTests
{
    private readonly OrdersMesh _mesh;

    protected ListOrdersTests(IOrdersMeshFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _mesh = fixture.Mesh;
        _mesh.ClearFaults();
    }

    [ContractFact]
    public async Task ListOrders_FiveOrdersPagedByTwo_NewestFirstWithoutGapsOrRepeats()
    {
        var user = await _mesh.CreateUserAsync();
        var otherUser = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 100);
        var placed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            placed.Add((await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)))).Order.OrderId);
        }

        await _mesh.Orders.PlaceOrderAsync(Requests.Place(otherUser, (sku, 1)));

        var pages = new List<ListOrdersResponse>();
        var token = string.Empty;
        do
        {
            var page = await _mesh.Orders.ListOrdersAsync(new ListOrdersRequest
            {
                UserId = user,
                Page = new PageRequest { PageSize = 2, PageToken = token },
            });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(page => page.Orders.Count));
        Assert.Equal(Enumerable.Reverse(placed), pages.SelectMany(page => page.Orders).Select(order => order.OrderId));
        Assert.All(pages.SelectMany(page => page.Orders), order => Assert.Equal(user, order.UserId));
    }

    [ContractFact]
    public async Task ListOrders_DefaultPageSizeAndUpperCaseUser_ReturnsAllOrdersOnOnePage()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 100);
        for (var i = 0; i < 3; i++)
        {
            await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        }

        var page = await _mesh.Orders.ListOrdersAsync(new ListOrdersRequest { UserId = user.ToUpperInvariant() });

        Assert.Equal(3, page.Orders.Count);
        Assert.Equal(string.Empty, page.NextPageToken);
    }

    [ContractFact]
    public async Task ListOrders_UserWithoutOrders_EmptyList()
    {
        var page = await _mesh.Orders.ListOrdersAsync(new ListOrdersRequest { UserId = Guid.NewGuid().ToString() });

        Assert.Empty(page.Orders);
        Assert.Equal(string.Empty, page.NextPageToken);
    }

    [ContractFact]
    public async Task ListOrders_TokenFromAnotherUsersListing_InvalidArgumentNamingPageToken()
    {
        var user = await _mesh.CreateUserAsync();
        var sku = await _mesh.CreateItemAsync(quantity: 10);
        await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        await _mesh.Orders.PlaceOrderAsync(Requests.Place(user, (sku, 1)));
        var first = await _mesh.Orders.ListOrdersAsync(new ListOrdersRequest { UserId = user, Page = new PageRequest { PageSize = 1 } });
        Assert.NotEmpty(first.NextPageToken);

        await RpcAssert.InvalidFieldAsync("page.page_token", () => _mesh.Orders.ListOrdersAsync(new ListOrdersRequest
        {
            UserId = Guid.NewGuid().ToString(),
            Page = new PageRequest { PageToken = first.NextPageToken },
        }).ResponseAsync);
    }

    [ContractTheory]
    [InlineData("", 0, "", "user_id")]
    [InlineData("abc", 0, "", "user_id")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", -1, "", "page.page_size")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", int.MinValue, "", "page.page_size")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", 10, "garbage!", "page.page_token")]
    [InlineData("0b6f1c1e-8d3a-4c38-9b1f-2f6a3c1d9e42", 10, "cDEfb3JkZXJzLzBiNmYxYzFlLThkM2EtNGMzOC05YjFmLTJmNmEzYzFkOWU0Mh9hYmM", "page.page_token")]
    public async Task ListOrders_MalformedRequest_InvalidArgumentNamingField(string userId, int pageSize, string pageToken, string field)
    {
        await RpcAssert.InvalidFieldAsync(field, () => _mesh.Orders.ListOrdersAsync(new ListOrdersRequest
        {
            UserId = userId,
            Page = new PageRequest { PageSize = pageSize, PageToken = pageToken },
        }).ResponseAsync);
    }
}

public sealed class SqliteListOrdersTests(MeshFixture fixture) : ListOrdersTests(fixture), IClassFixture<MeshFixture>;

public sealed class PostgresListOrdersTests(PostgresMeshFixture fixture) : ListOrdersTests(fixture), IClassFixture<PostgresMeshFixture>, IRequiresPostgres;
