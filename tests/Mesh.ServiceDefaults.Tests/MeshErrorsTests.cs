using Google.Rpc;
using Grpc.Core;
using Mesh.Common.V1;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.ServiceDefaults.Tests;

public class MeshErrorsTests
{
    [Fact]
    public void FailedPrecondition_CarriesReasonAndViolations()
    {
        var exception = MeshErrors.FailedPrecondition(ErrorReason.InsufficientStock, "not enough",
            [new PreconditionFailure.Types.Violation { Type = "STOCK", Subject = "sku:A", Description = "requested 2, available 1" }]);

        Assert.Equal(StatusCode.FailedPrecondition, exception.StatusCode);
        var status = exception.GetRpcStatus();
        Assert.NotNull(status);
        var info = status.GetDetail<ErrorInfo>();
        Assert.Equal("INSUFFICIENT_STOCK", info?.Reason);
        Assert.Equal(MeshErrors.Domain, info?.Domain);
        Assert.Equal("sku:A", Assert.Single(status.GetDetail<PreconditionFailure>()!.Violations).Subject);
        Assert.Equal(ErrorReason.InsufficientStock, MeshErrors.ReasonOf(exception));
    }

    [Fact]
    public void InvalidArgument_ManyViolations_MessageCountsThemAndDetailListsAll()
    {
        var exception = MeshErrors.InvalidArgument(
        [
            new BadRequest.Types.FieldViolation { Field = "email", Description = "is required" },
            new BadRequest.Types.FieldViolation { Field = "display_name", Description = "is required" },
        ]);

        Assert.StartsWith("2 invalid fields", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, exception.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Count);
    }

    [Fact]
    public void NotFound_WithField_NamesTheField()
    {
        var exception = MeshErrors.NotFound("user", "abc", "user_id");

        Assert.Equal(StatusCode.NotFound, exception.StatusCode);
        Assert.Equal("user_id", Assert.Single(exception.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.Equal("abc", exception.GetRpcStatus()!.GetDetail<ResourceInfo>()!.ResourceName);
    }

    [Fact]
    public void ReasonOf_ForeignError_IsUnspecified()
    {
        Assert.Equal(ErrorReason.Unspecified, MeshErrors.ReasonOf(new RpcException(new Grpc.Core.Status(StatusCode.Internal, "x"))));
    }
}
