using Grpc.Core;
using Mesh.Inventory.V1;
using Mesh.ServiceDefaults.Security;
using Mesh.Testing;
using Mesh.Testing.Security;

namespace Mesh.Inventory.Tests.Http;

/// <summary>
/// A validated token is remembered so repeated calls skip the signature check, but never past
/// the token's own expiry: a caller whose token ran out is refused although the cache would
/// otherwise keep them for minutes.
/// </summary>
public sealed class TokenCacheTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(3);

    private readonly TestTokens _tokens = new();
    private KestrelService<InventoryOptions> _service = null!;

    public Task InitializeAsync()
    {
        _service = KestrelService<InventoryOptions>.Start(new MeshServiceFactory<InventoryOptions>()
            .WithSettings(_tokens.ServiceSettings())
            // No skew: the token ends exactly at its exp, so the test waits seconds, not a minute.
            .WithSetting("Mesh:Auth:ClockSkew", "00:00:00")
            .WithSetting("Mesh:Auth:ValidationCacheDuration", "00:05:00"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        _tokens.Dispose();
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        var inventory = new InventoryService.InventoryServiceClient(_service.CreateGrpcChannel());
        var token = _tokens.Issuer.MintPerson(Guid.NewGuid().ToString(), [], Lifetime);
        var bearer = new Metadata { { "authorization", $"Bearer {token}" } };

        await inventory.ListItemsAsync(new ListItemsRequest(), bearer);
        await inventory.ListItemsAsync(new ListItemsRequest(), bearer);

        RpcException? refused = null;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await inventory.ListItemsAsync(new ListItemsRequest(), bearer);
                return false;
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unauthenticated)
            {
                refused = exception;
                return true;
            }
        }, "the expired token is refused", Lifetime * 4);
        Assert.Contains("expired", refused!.Status.Detail, StringComparison.Ordinal);
    }
}
