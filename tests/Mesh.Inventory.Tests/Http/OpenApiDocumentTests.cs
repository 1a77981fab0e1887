using Mesh.Inventory.Api;
using Mesh.Testing;

namespace Mesh.Inventory.Tests.Http;

/// <summary>The inventory service's OpenAPI document against its protos and the checked-in docs/openapi/inventory.json.</summary>
public sealed class OpenApiDocumentTests() : OpenApiDocumentTestsBase<InventoryGrpcService>("inventory", "mesh.inventory.v1.InventoryService");
