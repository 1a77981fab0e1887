namespace Mesh.Container.Tests.Support;

/// <summary>
/// The containers, volumes and networks one fixture created (all labelled <see cref="MeshContainers.Label"/>),
/// removed in that order by <see cref="RemoveAllAsync"/>; a leftover fails loudly instead of piling up.
/// </summary>
internal sealed class CreatedResources
{
    private readonly List<string> containers = [];
    private readonly List<string> volumes = [];
    private readonly List<string> networks = [];

    /// <summary>Containers still to remove, in creation order (for their logs).</summary>
    public IReadOnlyList<string> Containers => containers;

    public void AddContainer(string name) => containers.Add(name);

    public void AddVolume(string name) => volumes.Add(name);

    public void AddNetwork(string name) => networks.Add(name);

    /// <summary>The last <paramref name="lines"/> log lines of every container still tracked, for failure messages.</summary>
    public async Task<string> RecentLogsAsync(int lines)
    {
        if (ContainerEngine.Current is null)
        {
            return "";
        }

        var text = new List<string>();
        foreach (var container in containers.ToList())
        {
            var logs = await MeshContainers.Engine.RunAsync(Deadlines.EngineCommand, "logs", "--tail", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), container);
            text.Add($"--- {container} ---{Environment.NewLine}{logs.StandardOutput}{logs.StandardError}");
        }

        return string.Join(Environment.NewLine, text);
    }

    /// <summary>Removes one container (and its anonymous volumes) now; throws if it is still there.</summary>
    public async Task RemoveContainerAsync(string name)
    {
        var failures = new List<string>();
        await RemoveAsync(containers, [name], ["rm", "--force", "--volumes"], ["container", "inspect"], failures);
        ThrowIfAny(failures);
    }

    /// <summary>Removes everything; throws naming what could not be removed.</summary>
    public async Task RemoveAllAsync()
    {
        var failures = new List<string>();
        await RemoveAsync(containers, [.. containers], ["rm", "--force", "--volumes"], ["container", "inspect"], failures);
        await RemoveAsync(volumes, [.. volumes], ["volume", "rm", "--force"], ["volume", "inspect"], failures);
        await RemoveAsync(networks, [.. networks], ["network", "rm"], ["network", "inspect"], failures);
        ThrowIfAny(failures);
    }

    private static async Task RemoveAsync(List<string> tracked, string[] names, string[] remove, string[] inspect, List<string> failures)
    {
        var engine = MeshContainers.Engine;
        foreach (var name in names)
        {
            var result = await engine.RunAsync(Deadlines.EngineCommand, [.. remove, name]);
            // A name whose creation failed may not exist: that is not a leftover.
            if (result.Succeeded || !(await engine.RunAsync(Deadlines.EngineCommand, [.. inspect, name])).Succeeded)
            {
                tracked.Remove(name);
            }
            else
            {
                failures.Add($"`{result.CommandLine}`: {CommandResult.Tail(result.StandardError, 5)}");
            }
        }
    }

    private static void ThrowIfAny(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new InvalidOperationException(
                $"Cleanup left resources labelled {MeshContainers.Label} behind:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
        }
    }
}
