namespace Mesh.Container.Tests.Support;

/// <summary>
/// A fact that needs a container engine: when none is found (see <see cref="ContainerEngine"/>) it is
/// reported as skipped with the reason — in the runner's output and in the "N skipped" of the test
/// summary — never as passed. With <c>MESH_CONTAINER_TESTS=required</c> it runs (and fails) instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContainerFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when no engine is usable.</summary>
    public ContainerFactAttribute() => Skip = ContainerEngine.SkipReason;
}
