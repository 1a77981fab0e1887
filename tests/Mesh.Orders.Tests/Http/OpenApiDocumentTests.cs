using Mesh.Orders.Api;
using Mesh.Testing;

namespace Mesh.Orders.Tests.Http;

/// <summary>The orders service's OpenAPI document against its protos and the checked-in docs/openapi/orders.json.</summary>
public sealed class OpenApiDocumentTests() : OpenApiDocumentTestsBase<OrderGrpcService>("orders", "mesh.orders.v1.OrderService");
