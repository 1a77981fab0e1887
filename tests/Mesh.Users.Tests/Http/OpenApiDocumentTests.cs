using Mesh.Users.Api;
using Mesh.Testing;

namespace Mesh.Users.Tests.Http;

/// <summary>The users service's OpenAPI document against its protos and the checked-in docs/openapi/users.json.</summary>
public sealed class OpenApiDocumentTests() : OpenApiDocumentTestsBase<UserGrpcService>("users", "mesh.users.v1.UserService");
