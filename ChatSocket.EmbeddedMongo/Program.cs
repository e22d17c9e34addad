using ChatSocket.EmbeddedMongo.Hosting;
using Microsoft.Extensions.Hosting;

namespace ChatSocket.EmbeddedMongo;

/// <summary>
/// The standalone, mongod-like mode: <c>dotnet run --project ChatSocket.EmbeddedMongo -- --port 27017 --dbpath ./data</c>.
/// A named class in this namespace (not top-level statements) so that it never collides with the web app's global
/// <c>Program</c> in projects that reference both.
/// </summary>
internal static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddEmbeddedMongo(args);
        await builder.Build().RunAsync();
    }
}
