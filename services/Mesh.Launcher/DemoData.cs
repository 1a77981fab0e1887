using Mesh.Inventory.V1;
using Mesh.Users.V1;

namespace Mesh.Launcher;

/// <summary>What seeding created (or found from an earlier run).</summary>
public sealed record DemoData(User User, IReadOnlyList<Item> Items);
