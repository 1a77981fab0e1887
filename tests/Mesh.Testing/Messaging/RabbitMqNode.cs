using System.Diagnostics;
using RabbitMQ.Client;

namespace Mesh.Testing.Messaging;

/// <summary>
/// A private RabbitMQ node on loopback for one test (class): its own ports, Erlang port mapper,
/// cookie and data folder, started from the Debian package by tests/start-test-rabbitmq.sh. It can
/// be stopped, killed and started again on the same data (queues and persistent messages survive a
/// restart); disposing stops it and deletes the folder.
/// </summary>
public sealed class RabbitMqNode : IAsyncDisposable
{
    public const string ServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-rabbitmq-").FullName;
    private readonly int _distributionPort;
    private readonly int _portMapperPort;
    private readonly LinkedList<string> _output = new();
    private Process? _process;

    private RabbitMqNode(int[] ports) => (Port, _distributionPort, _portMapperPort) = (ports[0], ports[1], ports[2]);

    public static bool IsInstalled => File.Exists(ServerPath);

    public int Port { get; }

    /// <summary>The AMQP URL of the default virtual host (guest is allowed from loopback).</summary>
    public string Url => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary>A node with its ports and folder, not started yet: <see cref="Url"/> refuses connections until <see cref="LaunchAsync"/>.</summary>
    public static RabbitMqNode Create() => IsInstalled
        ? new RabbitMqNode(FreePorts.Take(3))
        : throw new InvalidOperationException($"{ServerPath} is missing: install the Debian package rabbitmq-server (.ci/run does).");

    /// <summary>Starts a node and waits until it accepts AMQP connections.</summary>
    public static async Task<RabbitMqNode> StartAsync()
    {
        var node = Create();
        try
        {
            await node.LaunchAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the node (again) on its data and waits until it accepts AMQP connections.</summary>
    public async Task LaunchAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The node is running.");
        }

        var start = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                Path.Combine(RepositoryRoot.Path, "tests", "start-test-rabbitmq.sh"), "node",
                _directory, Port.ToString(), _distributionPort.ToString(), _portMapperPort.ToString(),
                Environment.ProcessId.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        _process.OutputDataReceived += (_, line) => Record(line.Data);
        _process.ErrorDataReceived += (_, line) => Record(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"RabbitMQ exited with {_process.ExitCode}:{Environment.NewLine}{RecentOutput()}");
            }

            if (await AcceptsConnectionsAsync())
            {
                return;
            }

            if (elapsed.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"RabbitMQ did not accept connections within {StartTimeout}:{Environment.NewLine}{RecentOutput()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Whether an AMQP connection to the node opens now.</summary>
    public async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(Url), AutomaticRecoveryEnabled = false };
            await using var connection = await factory.CreateConnectionAsync();
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            return false;
        }
    }

    /// <summary>Stops the node the way an orderly shutdown does (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        // The Erlang VM runs under the rabbitmq-server shell script, under the script that started it:
        // signal the VM itself (its pid file); both scripts end with it.
        var pidFile = Path.Combine(_directory, "pid");
        var broker = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : process.Id.ToString();
        using (var kill = Process.Start("kill", ["-TERM", broker]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }

        File.Delete(pidFile);
    }

    /// <summary>Kills the node at once (SIGKILL), as a crash or an OOM kill would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            // The whole tree: the shell script, the Erlang VM under it and the VM's helpers.
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        File.Delete(Path.Combine(_directory, "pid"));
    }

    /// <summary>The node's last lines of output, for failure messages.</summary>
    public string RecentOutput()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Cleanup();
    }

    /// <summary>Kills the node and cleans up at once, for a test process that is exiting (no time for an orderly stop).</summary>
    public void DisposeNow()
    {
        Kill();
        Cleanup();
    }

    private void Cleanup()
    {
        _process?.Dispose();
        // The node's port mapper outlives it; it refuses to stop only while a node is registered.
        var portMapper = Directory.EnumerateFiles("/usr/lib/erlang", "epmd", SearchOption.AllDirectories).FirstOrDefault();
        if (portMapper is not null)
        {
            using var stop = Process.Start(new ProcessStartInfo(portMapper, ["-port", _portMapperPort.ToString(), "-kill"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            stop?.WaitForExit(5_000);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AddLast(line);
            if (_output.Count > 60)
            {
                _output.RemoveFirst();
            }
        }
    }
}
