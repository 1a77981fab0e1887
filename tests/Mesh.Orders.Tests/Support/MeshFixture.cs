namespace Mesh.Orders.Tests.Support;

/// <summary>One <see cref="OrdersMesh"/> per test class; its tests run one after another and use their own users and skus.</summary>
public sealed class MeshFixture : IDisposable
{
    public OrdersMesh Mesh { get; } = new();

    public void Dispose() => Mesh.Dispose();
}
