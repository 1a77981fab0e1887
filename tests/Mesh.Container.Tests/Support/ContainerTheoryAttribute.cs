namespace Mesh.Container.Tests.Support;

/// <summary>The theory counterpart of <see cref="ContainerFactAttribute"/>: skipped, with the reason, without an engine.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContainerTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when no engine is usable.</summary>
    public ContainerTheoryAttribute() => Skip = ContainerEngine.SkipReason;
}
