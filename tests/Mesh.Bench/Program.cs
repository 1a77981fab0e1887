using Mesh.Bench;
using Mesh.Bench.Echo;

// Mesh.Bench: the load harness (see docs/benchmarks.md). Prints progress, then the results table.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException or UriFormatException)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

if (options.ServeEcho is { } kind)
{
    await EchoServerHost.RunAsync(kind, options.Port);
    return 0;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C: stop the load, stop the mesh, still write what was measured.
    e.Cancel = true;
    interrupted.Cancel();
};

var command = "dotnet run -c Release --project tests/Mesh.Bench" + (args.Length > 0 ? " -- " + string.Join(' ', args) : string.Empty);
return await BenchSuite.RunAsync(options, command, interrupted.Token);
