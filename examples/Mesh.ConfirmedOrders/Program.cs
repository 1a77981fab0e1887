using Mesh.ConfirmedOrders;

var options = ConfirmedOrdersOptions.Parse(args, Environment.GetEnvironmentVariable("MESH_BROKER"));
if (options is null)
{
    Console.Error.WriteLine(ConfirmedOrdersOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    await ConfirmedOrdersConsumer.RunAsync(options, Console.Out, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl-C: unacknowledged messages stay in the queue for the next run.
}

return 0;
