using Grpc.Core;

namespace Mesh.Orders.Tests.Support;

/// <summary>One injected fault: fail before running, fail after running, or run late.</summary>
public sealed record MethodFault(StatusCode? Before, StatusCode? After, TimeSpan Delay);
