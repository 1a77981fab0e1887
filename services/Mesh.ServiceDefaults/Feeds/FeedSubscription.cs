namespace Mesh.ServiceDefaults.Feeds;

/// <summary>
/// What a Watch request asks for: events after <paramref name="AfterSequence"/> (or from the
/// head), only those whose filter key is in <paramref name="FilterKeys"/> when it is not empty.
/// </summary>
public sealed record FeedSubscription(long AfterSequence, IReadOnlyCollection<string> FilterKeys, bool StartAtHead = false)
{
    public static FeedSubscription All(long afterSequence) => new(afterSequence, []);
}
