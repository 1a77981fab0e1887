using Mesh.Inventory;
using Mesh.Inventory.Api;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshDefaults("inventory");
builder.AddMeshHttp("Mesh inventory API", "Inventory: the catalog and its stock. Stock reservation and settlement are internal to the mesh and not published here.");
builder.AddInventory();

var app = builder.Build();
app.MapMeshDefaults();
app.UseMeshHttp();
app.MapGrpcService<InventoryGrpcService>();
app.Run();
