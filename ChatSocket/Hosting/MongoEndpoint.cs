using System.Net.Sockets;
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
    IOptions<MongoOptions> mongoOptions,
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
        var dataDirectory = string.IsNullOrWhiteSpace(embedded.DataDirectory) ? null : embedded.DataDirectory;
        try
        {
            _embedded = await StartEmbeddedAsync(embedded.Port, dataDirectory, cancellationToken);
        }
        catch (Exception ex) when (embedded.Port != 0 && IsAddressInUse(ex))
        {
            // A development store must not stop the server over a port: take a free one and say which.
            _embedded = await StartEmbeddedAsync(0, dataDirectory, cancellationToken);
            LogPortTaken(logger, embedded.Port, _embedded.Port);
        }

        var database = mongoOptions.Value.Database;
        LogEmbeddedStore(logger, _embedded.ConnectionString, dataDirectory ?? "(in memory)", $"mongosh \"mongodb://127.0.0.1:{_embedded.Port}/{database}\"");
        return _embedded.ConnectionString;
    }

    private Task<EmbeddedMongoServer> StartEmbeddedAsync(int port, string? dataDirectory, CancellationToken cancellationToken) =>
        EmbeddedMongoServer.StartAsync(
            // The engine's warnings (a torn journal tail dropped at start, say) belong in the server's log.
            new EmbeddedMongoOptions { Port = port, DataDirectory = dataDirectory, LoggerFactory = loggerFactory, MinimumLogLevel = LogLevel.Warning },
            cancellationToken);

    private static bool IsAddressInUse(Exception exception) =>
        exception is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } ||
        (exception.InnerException is { } inner && IsAddressInUse(inner));

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "No MongoDB configured (ConnectionStrings:Mongo or MONGODB_URI): running on the embedded development store at {ConnectionString}, data in {DataDirectory}; it keeps every message in memory, so use a real MongoDB in production. Browse it with: {MongoshCommand}")]
    private static partial void LogEmbeddedStore(ILogger logger, string connectionString, string dataDirectory, string mongoshCommand);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Port {Port} is taken: the embedded store listens on port {ActualPort} instead (set Embedded:Port to choose one)")]
    private static partial void LogPortTaken(ILogger logger, int port, int actualPort);
}
