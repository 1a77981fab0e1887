using Mesh.Common.V1;
using Mesh.ServiceDefaults.Paging;
using Mesh.Storage;
using Mesh.Testing.Postgres;
using Mesh.Users.Tests.Support;
using Mesh.Users.V1;
using Xunit;

namespace Mesh.Users.Tests.Api;

/// <summary>Each test starts its own host: listings see the whole table.</summary>
public abstract class ListUsersTests
{
    protected abstract StorageProvider Provider { get; }

    [ContractFact]
    public async Task ListUsers_EmptyStore_ReturnsNoUsersAndNoToken()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();

        var response = await host.Client.ListUsersAsync(new ListUsersRequest());

        Assert.Empty(response.Users);
        Assert.Equal(string.Empty, response.NextPageToken);
    }

    [ContractFact]
    public async Task ListUsers_SeveralPages_ReturnsEveryUserOnceInCreationOrder()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        var created = await CreateUsersAsync(host, 7);

        var pages = await ListAllAsync(host, pageSize: 3);

        Assert.Equal([3, 3, 1], pages.Select(p => p.Users.Count));
        Assert.Equal(created, pages.SelectMany(p => p.Users));
        Assert.Equal(string.Empty, pages[^1].NextPageToken);
    }

    [ContractFact]
    public async Task ListUsers_ExactlyOneFullPage_HasNoNextToken()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        await CreateUsersAsync(host, 3);

        var response = await host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = 3 } });

        Assert.Equal(3, response.Users.Count);
        Assert.Equal(string.Empty, response.NextPageToken);
    }

    [ContractFact]
    public async Task ListUsers_ClockSteppedBack_StillListsInCreationOrder()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        var created = new List<User>();
        for (var i = 0; i < 4; i++)
        {
            // Each user gets an earlier timestamp, so its UUIDv7 sorts before the previous one's.
            host.Time.Advance(TimeSpan.FromHours(-1));
            created.Add(await host.CreateUserAsync());
        }

        var listed = (await ListAllAsync(host, pageSize: 2)).SelectMany(p => p.Users);

        Assert.Equal(created, listed);
        Assert.NotEqual(created.Select(u => u.UserId), created.Select(u => u.UserId).Order(StringComparer.Ordinal));
    }

    [ContractFact]
    public async Task ListUsers_UsersCreatedBetweenPages_NoneSkippedOrRepeated()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        var created = await CreateUsersAsync(host, 3);
        var first = await host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = 2 } });
        created.AddRange(await CreateUsersAsync(host, 2));

        var rest = await host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = 10, PageToken = first.NextPageToken } });

        Assert.Equal(created, first.Users.Concat(rest.Users));
        Assert.Equal(string.Empty, rest.NextPageToken);
    }

    [ContractFact]
    public async Task ListUsers_PageSizeZeroOrAboveMaximum_UsesDefaultAndCap()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        await CreateUsersAsync(host, 201);

        var byDefault = await host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = 0 } });
        var withoutPage = await host.Client.ListUsersAsync(new ListUsersRequest());
        var capped = await host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = int.MaxValue } });

        Assert.Equal(50, byDefault.Users.Count);
        Assert.Equal(50, withoutPage.Users.Count);
        Assert.Equal(200, capped.Users.Count);
        Assert.NotEqual(string.Empty, capped.NextPageToken);
    }

    [ContractTheory]
    [InlineData("garbage")]
    [InlineData("!!!")]
    [InlineData("AAAA")]
    [InlineData("cDIfdXNlcnMfMQ")]
    public async Task ListUsers_GarbageToken_FailsNamingPageToken(string token)
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();
        await CreateUsersAsync(host, 1);

        await host.RejectsFieldAsync("page.page_token", () =>
            host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageToken = token } }).ResponseAsync);
    }

    [ContractTheory]
    [InlineData("orders", "1")]
    [InlineData("users", "abc")]
    [InlineData("users", "-5")]
    [InlineData("users", "0")]
    [InlineData("users", "99999999999999999999999")]
    public async Task ListUsers_ForgedToken_FailsNamingPageToken(string scope, string key)
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();

        await host.RejectsFieldAsync("page.page_token", () =>
            host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageToken = PageToken.Encode(scope, key) } }).ResponseAsync);
    }

    [ContractFact]
    public async Task ListUsers_NegativePageSize_FailsNamingPageSize()
    {
        await using var storage = await UsersTestStorage.CreateAsync(Provider);
        using var host = storage.StartHost();

        await host.RejectsFieldAsync("page.page_size", () =>
            host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = -1 } }).ResponseAsync);
    }

    private static async Task<List<User>> CreateUsersAsync(UsersHost host, int count)
    {
        var users = new List<User>(count);
        for (var i = 0; i < count; i++)
        {
            users.Add(await host.CreateUserAsync(displayName: $"User {i}"));
        }

        return users;
    }

    private static async Task<List<ListUsersResponse>> ListAllAsync(UsersHost host, int pageSize)
    {
        var pages = new List<ListUsersResponse>();
        var token = string.Empty;
        do
        {
            // Bounded: a token that never ends would fail the test instead of hanging it.
            Assert.True(pages.Count < 100, "paging did not terminate");
            var page = await host.Client.ListUsersAsync(new ListUsersRequest { Page = new PageRequest { PageSize = pageSize, PageToken = token } });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return pages;
    }
}

public sealed class SqliteListUsersTests : ListUsersTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;
}

public sealed class PostgresListUsersTests : ListUsersTests, IRequiresPostgres
{
    protected override StorageProvider Provider => StorageProvider.Postgres;
}
