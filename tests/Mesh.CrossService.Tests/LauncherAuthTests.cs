using System.Collections.Concurrent;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.Inventory.V1;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Testing;
using Mesh.Users.V1;

namespace Mesh.CrossService.Tests;

/// <summary>
/// The mesh as <c>--auth</c> runs it, end to end: the services start with the settings the
/// launcher gives them, the demo data is seeded with the admin token, a call without a token is
/// refused, the services call each other with their own tokens (a placed order is confirmed), and a
/// person minted with the token command signs up under their token's subject.
/// </summary>
public sealed class LauncherAuthTests
{
    [Fact]
    public async Task StartAsync_WithAuth_SeedsAsAdmin_RefusesCallsWithoutAToken_AndAdmitsTheTokensItMints()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("mesh-auth-").FullName;
        var output = new ConcurrentQueue<string>();
        var options = MeshLauncherOptions.OnPorts(FreePorts.Take(6)) with
        {
            DataDirectory = dataDirectory,
            Auth = true,
            StartTimeout = TimeSpan.FromSeconds(90),
            Output = output.Enqueue,
        };
        try
        {
            using var timeout = Deadlines.After(240);
            await using var mesh = await MeshLauncher.StartAsync(options, timeout.Token);
            string Recent() => string.Join(Environment.NewLine, output.TakeLast(60));
            Assert.True(mesh.Demo is not null, $"the demo data was not seeded: {mesh.SeedConflict}{Environment.NewLine}{Recent()}");

            using var clients = new MeshClients(mesh);
            var (users, inventory, orders) = (clients.Users, clients.Inventory, clients.Orders);
            var admin = Bearer(await File.ReadAllTextAsync(new LocalIssuer(dataDirectory).AdminTokenPath, timeout.Token));

            await RpcAssert.FailsAsync(StatusCode.Unauthenticated, async () =>
                await inventory.ListItemsAsync(new ListItemsRequest(), deadline: Deadlines.Call()));

            // Orders asks users and inventory with its own token; a refusal there would reject the order.
            var placed = await orders.PlaceOrderAsync(
                TestData.PlaceRequest(mesh.Demo.User.UserId, mesh.Demo.Items[0].Sku, 1), admin, Deadlines.Call());
            Assert.True(placed.Order.State == OrderState.Confirmed, $"{placed.Order}{Environment.NewLine}{Recent()}");

            var subject = Guid.NewGuid();
            using var printed = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(0, TokenCommand.Run(["--user", subject.ToString(), "--data-dir", dataDirectory], _ => null, printed, error));
            var person = Bearer(printed.ToString().Trim());

            var signedUp = await users.CreateUserAsync(
                new CreateUserRequest { RequestId = Guid.NewGuid().ToString(), Email = $"{subject:N}@mesh.dev", DisplayName = "Signed Up" },
                person,
                Deadlines.Call());
            Assert.Equal(subject.ToString(), signedUp.User.UserId);
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await inventory.CreateItemAsync(
                new CreateItemRequest
                {
                    Sku = "AUTH-" + subject.ToString("N")[..8].ToUpperInvariant(),
                    Name = "Not for people",
                    UnitPrice = new Money { CurrencyCode = "USD", AmountMinor = 100 },
                    InitialQuantity = 1,
                },
                person,
                Deadlines.Call()));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };
}
