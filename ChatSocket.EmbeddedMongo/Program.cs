using System.Runtime.CompilerServices;
using ChatSocket.EmbeddedMongo.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatSocket.EmbeddedMongo;

/// <summary>
/// The standalone, mongod-like mode: <c>dotnet run --project ChatSocket.EmbeddedMongo -- --port 27017 --dbpath ./data</c>.
/// A named class in this namespace (not top-level statements) so that it never collides with the web app's global
/// <c>Program</c> in projects that reference both.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddEmbeddedMongo(args);
        // The host logs a failed start as an exception with its stack trace; it is reported below as one line instead.
        // After the start its entries pass as usual.
        var started = new StrongBox<bool>();
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => Volatile.Read(ref started.Value) && level >= LogLevel.Information);
        using var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync(StoreStartupFailure.Describe(ex, builder.Configuration["EmbeddedMongo:Port"], builder.Configuration["EmbeddedMongo:DataDirectory"]));
            return StoreStartupFailure.ExitCode;
        }

        Volatile.Write(ref started.Value, true);
        await host.WaitForShutdownAsync();
        return 0;
    }
}
