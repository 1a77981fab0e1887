using Mesh.Inventory;
using Mesh.Inventory.Api;
using Mesh.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshDefaults("inventory");
builder.AddInventory();

var app = builder.Build();
app.MapMeshDefaults();
app.MapGrpcService<InventoryGrpcService>();
app.Run();
