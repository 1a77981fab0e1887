namespace Mesh.Testing.Messaging;

public static class MessagingSettings
{
    /// <summary>
    /// Turns messaging on against <paramref name="url"/>, relaying to <paramref name="exchange"/> (a
    /// name of the test's own) with a dead-letter exchange of its own too, and a short lease retry.
    /// </summary>
    public static MeshServiceFactory<TEntryPoint> WithMessaging<TEntryPoint>(this MeshServiceFactory<TEntryPoint> factory, string url, string exchange)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory
            .WithSetting("Mesh:Messaging:Url", url)
            .WithSetting("Mesh:Messaging:Exchange", exchange)
            .WithSetting("Mesh:Messaging:DeadLetterExchange", exchange + ".dead-letter")
            .WithSetting("Mesh:Messaging:LeaseRetryInterval", "00:00:00.200");
    }
}
