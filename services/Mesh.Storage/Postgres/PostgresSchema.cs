namespace Mesh.Storage.Postgres;

/// <summary>A service's ordered PostgreSQL migrations; append only, never edit one that shipped.</summary>
public sealed record PostgresSchema(IReadOnlyList<string> Migrations);
