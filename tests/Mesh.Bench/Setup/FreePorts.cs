using System.Net;
using System.Net.Sockets;

namespace Mesh.Bench.Setup;

// Not tests/Mesh.Testing's FreePorts: referencing that project would pull xunit and the ASP.NET test host into this console harness.
/// <summary>Loopback ports the OS says are free, so a run never collides with a developer's mesh on 5001-5003.</summary>
public static class FreePorts
{
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
