using ChatSocket.EmbeddedMongo;
using ChatSocket.Persistence;
using Microsoft.Extensions.Options;

namespace ChatSocket.Hosting;

/// <summary>
/// The MongoDB the server stores into: <c>ConnectionStrings:Mongo</c> or <c>MONGODB_URI</c>, or, with neither, the
/// embedded development engine, started here and stopped when the host disposes of it (after the client that uses
/// it, which is created later).
/// </summary>
internal sealed partial class MongoEndpoint(
    IConfiguration configuration,
    IOptions<EmbeddedStoreOptions> embeddedOptions,
    ILoggerFactory loggerFactory,
    ILogger<MongoEndpoint> logger) : IConnectionStringSource, IAsyncDisposable
{
    private EmbeddedMongoServer? _embedded;

    public async Task<string> GetConnectionStringAsync(CancellationToken cancellationToken)
    {
        var connectionString = configuration.GetConnectionString("Mongo");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = configuration["MONGODB_URI"];
        }

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        var embedded = embeddedOptions.Value;
        var dataDirectory = string.IsNullOrWhiteSpace(embedded.DataDirectory) ? null : Path.GetFullPath(embedded.DataDirectory);
        _embedded = await EmbeddedMongoServer.StartAsync(
            // The engine's warnings (a torn journal tail dropped at start, say) belong in the server's log.
            new EmbeddedMongoOptions { Port = embedded.Port, DataDirectory = dataDirectory, LoggerFactory = loggerFactory, MinimumLogLevel = LogLevel.Warning },
            cancellationToken);
        LogEmbeddedStore(logger, _embedded.ConnectionString, dataDirectory ?? "(in memory)");
        return _embedded.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "No MongoDB configured (ConnectionStrings:Mongo or MONGODB_URI): running on the embedded development store at {ConnectionString}, data in {DataDirectory}. Use a real MongoDB in production.")]
    private static partial void LogEmbeddedStore(ILogger logger, string connectionString, string dataDirectory);
}
