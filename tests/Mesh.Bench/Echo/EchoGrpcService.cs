using Google.Protobuf;
using Grpc.Core;
using Mesh.Bench.V1;

namespace Mesh.Bench.Echo;

/// <summary>The baseline's whole server-side work: hand the payload back, or stream items with no storage behind them.</summary>
public sealed class EchoGrpcService : EchoService.EchoServiceBase
{
    private const int MaxItems = 1_000_000;
    private const int MaxPayload = 64 * 1024;

    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(new EchoResponse { Payload = request.Payload });
    }

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<StreamItem> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var payload = ByteString.CopyFrom(new byte[Math.Clamp(request.PayloadSize, 0, MaxPayload)]);
        var count = Math.Clamp(request.Count, 0, MaxItems);
        for (var sequence = 1; sequence <= count; sequence++)
        {
            // A new message per item, serialised per subscriber, as a feed does.
            var item = new StreamItem { Sequence = sequence, SendUnixMicros = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10, Payload = payload };
            await responseStream.WriteAsync(item, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
