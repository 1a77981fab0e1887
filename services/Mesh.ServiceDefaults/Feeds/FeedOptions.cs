namespace Mesh.ServiceDefaults.Feeds;

/// <summary>Feed timing and retention, bound from configuration section <c>Mesh:Feeds</c>.</summary>
public sealed class FeedOptions
{
    /// <summary>An idle stream gets a heartbeat this often. Default 15 s (well inside common 60 s proxy idle timeouts).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events read from storage per round trip; also what one subscriber holds in memory at most. Default 256.</summary>
    public int PageSize { get; set; } = 256;

    /// <summary>Events older than this are deleted; a cursor before them gets OUT_OF_RANGE. Default 30 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often expired events are deleted. Default 10 minutes.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
