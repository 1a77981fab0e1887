using Mesh.ServiceDefaults.Hosting;
using Mesh.Users;
using Mesh.Users.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshDefaults("users");
builder.AddUsers();

var app = builder.Build();
app.MapMeshDefaults();
app.MapGrpcService<UserGrpcService>();
app.Run();
