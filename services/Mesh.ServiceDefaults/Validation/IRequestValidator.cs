namespace Mesh.ServiceDefaults.Validation;

/// <summary>
/// Checks one request type before its handler runs. Register implementations with
/// <c>AddRequestValidator</c>; the validation interceptor finds them by request type.
/// </summary>
public interface IRequestValidator<in TRequest>
{
    void Validate(TRequest request, FieldErrors errors);
}
