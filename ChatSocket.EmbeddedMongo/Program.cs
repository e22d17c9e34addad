using ChatSocket.EmbeddedMongo.Hosting;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddEmbeddedMongo(args);
await builder.Build().RunAsync();
