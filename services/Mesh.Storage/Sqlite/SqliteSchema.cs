namespace Mesh.Storage.Sqlite;

/// <summary>A service's ordered schema migrations; append only, never edit one that shipped.</summary>
public sealed record SqliteSchema(IReadOnlyList<string> Migrations);
