using System.Globalization;
using Google.Rpc;
using Grpc.Core;

namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// Where an event log stands: <paramref name="Head"/> is the newest sequence ever assigned,
/// <paramref name="PrunedThrough"/> the newest sequence deleted by retention (0 if none).
/// </summary>
public readonly record struct EventLogPosition(long Head, long PrunedThrough)
{
    private const string HeadKey = "head_sequence";
    private const string PrunedThroughKey = "pruned_through";

    /// <summary>The ErrorInfo.metadata of a feed's OUT_OF_RANGE error.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>
    {
        [HeadKey] = Head.ToString(CultureInfo.InvariantCulture),
        [PrunedThroughKey] = PrunedThrough.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The position a feed's OUT_OF_RANGE error reports, or null when it carries none.</summary>
    public static EventLogPosition? FromError(RpcException exception)
    {
        var metadata = exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Metadata;
        return metadata is not null
               && metadata.TryGetValue(HeadKey, out var head) && long.TryParse(head, CultureInfo.InvariantCulture, out var headValue)
               && metadata.TryGetValue(PrunedThroughKey, out var pruned) && long.TryParse(pruned, CultureInfo.InvariantCulture, out var prunedValue)
            ? new EventLogPosition(headValue, prunedValue)
            : null;
    }
}
