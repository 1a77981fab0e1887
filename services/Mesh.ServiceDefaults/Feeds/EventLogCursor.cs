using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;
using Mesh.Storage;

namespace Mesh.ServiceDefaults.Feeds;

/// <summary>The cursor rules every event log shares, whatever stores it, and how a feed reports its position.</summary>
public static class EventLogCursor
{
    private const string HeadKey = "head_sequence";
    private const string PrunedThroughKey = "pruned_through";

    /// <summary>
    /// Throws OUT_OF_RANGE when <paramref name="afterSequence"/> is beyond the head or points
    /// into events retention already deleted.
    /// </summary>
    public static void EnsureReadable(EventLogPosition position, long afterSequence, string field = "after_sequence")
    {
        if (afterSequence > position.Head)
        {
            throw MeshErrors.OutOfRange(ErrorReason.CursorBeyondHead, field,
                $"{field} {afterSequence} is beyond the head of the feed ({position.Head}); resume from a sequence you received",
                ToMetadata(position));
        }

        if (afterSequence < position.PrunedThrough)
        {
            throw MeshErrors.OutOfRange(ErrorReason.CursorExpired, field,
                $"{field} {afterSequence} is older than the retention period (events through {position.PrunedThrough} were deleted); " +
                "resynchronise from a snapshot and resume from the head",
                ToMetadata(position));
        }
    }

    /// <summary>The ErrorInfo.metadata of a feed's OUT_OF_RANGE error.</summary>
    public static IReadOnlyDictionary<string, string> ToMetadata(EventLogPosition position) => new Dictionary<string, string>
    {
        [HeadKey] = position.Head.ToString(CultureInfo.InvariantCulture),
        [PrunedThroughKey] = position.PrunedThrough.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The position a feed's OUT_OF_RANGE error reports, or null when it carries none.</summary>
    public static EventLogPosition? PositionFrom(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var metadata = exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Metadata;
        return metadata is not null
               && metadata.TryGetValue(HeadKey, out var head) && long.TryParse(head, CultureInfo.InvariantCulture, out var headValue)
               && metadata.TryGetValue(PrunedThroughKey, out var pruned) && long.TryParse(pruned, CultureInfo.InvariantCulture, out var prunedValue)
            ? new EventLogPosition(headValue, prunedValue)
            : null;
    }
}
