using System.Net;
using System.Net.Sockets;

namespace Mesh.Testing;

/// <summary>Picks loopback ports the OS says are free, so tests never collide with a developer's mesh.</summary>
public static class FreePorts
{
    /// <summary>Returns <paramref name="count"/> distinct free ports.</summary>
    public static int[] Take(int count)
    {
        // Holding every listener until all are picked keeps the ports distinct.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }
}
