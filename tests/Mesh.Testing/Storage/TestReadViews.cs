using System.Diagnostics.Metrics;
using Mesh.ServiceDefaults.Storage;
using Mesh.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mesh.Testing.Storage;

/// <summary>The read views a service process would make over <paramref name="database"/>, for stores built by hand.</summary>
public static class TestReadViews
{
    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static ReadViews For(StoreDatabase database, int capacity = 10_000) =>
        new(database, Options.Create(new ReadViewOptions { Capacity = capacity }), Meters);
}
