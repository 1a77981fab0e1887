using Mesh.Orders;
using Mesh.Orders.Api;
using Mesh.ServiceDefaults.Hosting;
using Mesh.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshDefaults("orders");
builder.AddMeshHttp("Mesh orders API", "Orders: placing, reading and cancelling orders, and the order event log.");
builder.AddOrders();

var app = builder.Build();
app.MapMeshDefaults();
app.UseMeshHttp();
app.MapGrpcService<OrderGrpcService>();
app.Run();
