using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace Mesh.Testing;

/// <summary>Assertions on the gRPC status and google.rpc details a call fails with.</summary>
public static class RpcAssert
{
    /// <summary>Awaits <paramref name="call"/> and asserts it fails with <paramref name="code"/>.</summary>
    public static async Task<RpcException> FailsAsync(StatusCode code, Func<Task> call)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == exception.StatusCode, $"expected {code} but got {exception.StatusCode}: {exception.Status.Detail}");
        return exception;
    }

    /// <summary>Asserts INVALID_ARGUMENT with a BadRequest violation on exactly <paramref name="field"/>.</summary>
    public static async Task<BadRequest> InvalidFieldAsync(string field, Func<Task> call)
    {
        var exception = await FailsAsync(StatusCode.InvalidArgument, call);
        var badRequest = exception.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, violation => violation.Field == field);
        return badRequest;
    }

    /// <summary>The ErrorInfo reason of a failed call (e.g. "INSUFFICIENT_STOCK").</summary>
    public static string? Reason(RpcException exception) => exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
}
