using System.Diagnostics;

namespace Mesh.Launcher;

/// <summary>
/// One running process of a service (a restart is a new instance). Its stdout and stderr are
/// forwarded line by line with the service name in front, and the last lines are kept so a
/// failure can say what the service printed before it died.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private const int TailCapacity = 40;

    private readonly Process process;
    private readonly Action<string> output;
    private readonly LineTail tail = new(TailCapacity);
    private readonly string prefix;

    private ServiceProcess(ServiceLaunchSpec spec, Process process, Action<string> output)
    {
        Spec = spec;
        this.process = process;
        this.output = output;
        prefix = $"{spec.Info.Name,-9} | ";
    }

    /// <summary>How this process was started.</summary>
    public ServiceLaunchSpec Spec { get; }

    /// <summary>Which service this is.</summary>
    public MeshService Service => Spec.Info.Service;

    /// <summary>The plaintext h2c address the service listens on.</summary>
    public Uri Address => Spec.Address;

    /// <summary>The operating-system process id.</summary>
    public int ProcessId => process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The exit code once the process has exited (128 + signal when a signal ended it).</summary>
    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    /// <summary>The last lines the service printed, oldest first.</summary>
    public IReadOnlyList<string> OutputTail => tail.Lines;

    /// <summary>Starts <c>dotnet &lt;dll&gt; --urls &lt;address&gt;</c> with the given environment.</summary>
    public static ServiceProcess Start(ServiceLaunchSpec spec, Action<string> output)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);

        // The content root (appsettings.json) is the working directory for ASP.NET Core.
        var startInfo = ProcessSessions.StartInfo(DotnetHost.ExecutablePath, Path.GetDirectoryName(spec.AssemblyPath)!);
        startInfo.ArgumentList.Add(spec.AssemblyPath);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add(spec.Address.GetLeftPart(UriPartial.Authority));
        ProcessSessions.Apply(startInfo, spec.Environment);

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var service = new ServiceProcess(spec, process, output);
        process.OutputDataReceived += (_, line) => service.Forward(line.Data);
        process.ErrorDataReceived += (_, line) => service.Forward(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Sends a signal without waiting; see <see cref="WaitForExitAsync"/>.</summary>
    public void Signal(StopSignal signal) => ProcessSignals.Send(process, signal);

    /// <summary>Waits until the process has exited and its output is drained; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>
    /// Stops the process with SIGTERM, and with SIGKILL if it has not exited within
    /// <paramref name="timeout"/>. Returns the exit code.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (process.HasExited)
        {
            return process.ExitCode;
        }

        Signal(StopSignal.Terminate);
        using var graceful = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        graceful.CancelAfter(timeout);
        try
        {
            return await WaitForExitAsync(graceful.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            output($"{prefix}did not exit within {timeout.TotalSeconds:0.#} s of SIGTERM; killing it");
            Signal(StopSignal.Kill);
            return await WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process if it still runs; never leaves an orphan behind.</summary>
    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        process.Dispose();
    }

    private void Forward(string? line)
    {
        if (line is null)
        {
            return;
        }

        tail.Add(line);
        output(prefix + line);
    }
}
