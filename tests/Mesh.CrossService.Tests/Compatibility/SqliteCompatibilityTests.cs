using Mesh.Launcher;

namespace Mesh.CrossService.Tests.Compatibility;

/// <summary>A data folder written by the code before the store rewrite opens, migrates and loses nothing.</summary>
public sealed class SqliteCompatibilityTests
{
    [Fact]
    public async Task StartMesh_OnPreviousSqliteDataDirectory_ServesEveryOldRowAndContinuesTheLogs()
    {
        var data = PreviousData.Load("sqlite");
        // A copy: the services migrate the files in place, and the fixtures must stay old.
        var dataDirectory = Directory.CreateTempSubdirectory("mesh-compat-sqlite-").FullName;
        try
        {
            foreach (var info in MeshServiceInfo.All)
            {
                File.Copy(Path.Combine(data.Folder, info.DatabaseFileName), Path.Combine(dataDirectory, info.DatabaseFileName));
            }

            await using var mesh = await CompatibilityMesh.StartAsync(dataDirectory, postgresServer: null);
            await mesh.CheckAsync(running => PreviousDataChecks.AssertAllAsync(running, data));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
