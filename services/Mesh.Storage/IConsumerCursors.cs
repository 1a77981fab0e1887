namespace Mesh.Storage;

/// <summary>Where each feed consumer of a service has got to, whatever stores it.</summary>
public interface IConsumerCursors
{
    /// <summary>The last sequence <paramref name="consumer"/> applied, or 0.</summary>
    Task<long> GetAsync(string consumer, CancellationToken cancellationToken);
}
