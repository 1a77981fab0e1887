using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.ServiceDefaults.Feeds;

/// <summary>The cursor rules every event log shares, whatever stores it.</summary>
public static class EventLogCursor
{
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
                position.ToMetadata());
        }

        if (afterSequence < position.PrunedThrough)
        {
            throw MeshErrors.OutOfRange(ErrorReason.CursorExpired, field,
                $"{field} {afterSequence} is older than the retention period (events through {position.PrunedThrough} were deleted); " +
                "resynchronise from a snapshot and resume from the head",
                position.ToMetadata());
        }
    }
}
