using System.Diagnostics.Metrics;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Mesh.Storage.Postgres;
using Mesh.Storage.Sqlite;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mesh.ServiceDefaults.Tests.Storage;

/// <summary>
/// Where the services' read views hold anything (a database one process writes), and the metrics
/// operations read them by (<c>mesh.storage.read_view.hits</c> and <c>.loads</c>, by view).
/// </summary>
public sealed class ReadViewsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mesh-read-views-");
    private readonly IMeterFactory _meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    [Fact]
    public async Task Create_OnSqlite_KeepsWhatItReadAndCountsHitsAndLoadsByView()
    {
        using var database = new SqliteDatabase(Path.Combine(_directory.FullName, "views.db"));
        await database.MigrateAsync([]);
        using var hits = new MetricWatch(_meters, ReadViews.MeterName, "mesh.storage.read_view.hits");
        using var loads = new MetricWatch(_meters, ReadViews.MeterName, "mesh.storage.read_view.loads");
        using var views = Views(database);
        var view = views.Create<string>("things", "things");

        for (var read = 0; read < 3; read++)
        {
            Assert.Equal("value", await view.GetAsync("a", 0, static (_, _, _) => Task.FromResult<string?>("value"), CancellationToken.None));
        }

        hits.Collect();
        loads.Collect();
        Assert.Equal((2.0, 1.0), (hits.Total("view", "things"), loads.Total("view", "things")));
    }

    [Fact]
    public void Create_OnPostgres_HoldsNothing()
    {
        // Other replicas write a PostgreSQL database too, and a view could not see their writes.
        // (No connection is opened: the data source connects on first use.)
        using var database = new PostgresDatabase("Host=127.0.0.1;Port=1;Username=nobody");
        using var views = Views(database);

        Assert.Equal(0, views.Create<string>("things", "things").Capacity);
    }

    [Fact]
    public async Task Create_CapacityZero_HoldsNothing()
    {
        using var database = new SqliteDatabase(Path.Combine(_directory.FullName, "views.db"));
        await database.MigrateAsync([]);
        using var views = new ReadViews(database, Options.Create(new ReadViewOptions { Capacity = 0 }), _meters);

        Assert.Equal(0, views.Create<string>("things", "things").Capacity);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private ReadViews Views(StoreDatabase database) => new(database, Options.Create(new ReadViewOptions()), _meters);
}
