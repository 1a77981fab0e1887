using Mesh.Orders;
using Mesh.Orders.Api;
using Mesh.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshDefaults("orders");
builder.AddOrders();

var app = builder.Build();
app.MapMeshDefaults();
app.MapGrpcService<OrderGrpcService>();
app.Run();
