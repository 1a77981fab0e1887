using Google.Rpc;
using Mesh.ServiceDefaults.Errors;

namespace Mesh.ServiceDefaults.Validation;

/// <summary>Collects every invalid field of a request so one error names them all.</summary>
public sealed class FieldErrors
{
    private readonly List<BadRequest.Types.FieldViolation> _violations = [];

    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations => _violations;

    public bool IsEmpty => _violations.Count == 0;

    public FieldErrors Add(string field, string description)
    {
        _violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    /// <summary>Throws INVALID_ARGUMENT with a BadRequest detail when anything was added.</summary>
    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw MeshErrors.InvalidArgument(_violations);
        }
    }
}
