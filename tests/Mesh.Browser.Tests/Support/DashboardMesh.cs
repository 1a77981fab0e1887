using System.Collections.Concurrent;
using Grpc.Net.Client;
using Mesh.Launcher;
using Mesh.Orders.V1;
using Mesh.Testing;

namespace Mesh.Browser.Tests.Support;

/// <summary>
/// The whole mesh as <c>dotnet run</c> starts it, the Aspire Dashboard included, on free loopback ports
/// and a temporary data folder, with one order placed through gRPC. Started on first use, so a skipped
/// run starts nothing; disposing stops every process and deletes the folder.
/// </summary>
public sealed class DashboardMesh : IAsyncLifetime
{
    private const int OutputCapacity = 400;

    private readonly ConcurrentQueue<string> _output = new();
    private readonly Lazy<Task<Order>> _started;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "mesh-dashboard-" + Guid.NewGuid().ToString("N")[..12]);
    private MeshLauncher? _mesh;

    public DashboardMesh() => _started = new(StartAsync);

    /// <summary>The dashboard's pages, once <see cref="PlaceOrderAsync"/> has returned.</summary>
    public Uri DashboardAddress => _mesh?.Dashboard.Address ?? throw new InvalidOperationException("The mesh has not started.");

    /// <summary>Starts the mesh and places the order, once; later calls return the same order.</summary>
    public Task<Order> PlaceOrderAsync() => _started.Value;

    /// <summary>The last lines the launcher, the services and the dashboard printed, for failure messages.</summary>
    public string RecentOutput(int lines = 40) => string.Join(Environment.NewLine, _output.TakeLast(lines));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_mesh is not null)
        {
            await _mesh.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private async Task<Order> StartAsync()
    {
        var ports = FreePorts.Take(8);
        var options = MeshLauncherOptions.OnPorts(ports) with
        {
            Dashboard = true,
            DashboardPath = AspireDashboard.ConfiguredPath,
            DataDirectory = _dataDirectory,
            StartTimeout = TimeSpan.FromSeconds(90),
            Output = Record,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        _mesh = await MeshLauncher.StartAsync(options, timeout.Token);
        Assert.True(_mesh.Dashboard.IsRunning, $"The dashboard did not start: {_mesh.Dashboard.Problem}");
        Assert.NotNull(_mesh.Demo);

        using var channel = GrpcChannel.ForAddress(_mesh.AddressOf(MeshService.Orders));
        var reply = await new OrderService.OrderServiceClient(channel).PlaceOrderAsync(
            new PlaceOrderRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                UserId = _mesh.Demo.User.UserId,
                Lines = { new PlaceOrderLine { Sku = _mesh.Demo.Items[0].Sku, Quantity = 1 } },
            },
            deadline: DateTime.UtcNow.AddSeconds(15));
        Assert.Equal(OrderState.Confirmed, reply.Order.State);
        return reply.Order;
    }

    private void Record(string line)
    {
        _output.Enqueue(line);
        while (_output.Count > OutputCapacity && _output.TryDequeue(out _))
        {
        }
    }
}
