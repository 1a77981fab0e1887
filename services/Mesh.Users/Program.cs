using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Http;
using Mesh.Users;
using Mesh.Users.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshDefaults("users");
builder.AddMeshHttp("Mesh users API", "Users: the identity every other Mesh service refers to, with order statistics kept from the orders event log.");
builder.AddUsers();

var app = builder.Build();
app.MapMeshDefaults();
app.UseMeshHttp();
app.MapGrpcService<UserGrpcService>();
app.Run();
