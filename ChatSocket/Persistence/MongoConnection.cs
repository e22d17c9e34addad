using ChatSocket.EmbeddedMongo;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace ChatSocket.Persistence;

/// <summary>
/// Owns the <see cref="MongoClient"/> and, when no connection string is configured, the embedded engine behind it.
/// A hosted service registered before the message writer, so it starts first and stops last.
/// </summary>
internal sealed partial class MongoConnection(
    IConfiguration configuration,
    IOptions<MongoOptions> mongoOptions,
    IOptions<EmbeddedStoreOptions> embeddedOptions,
    ILoggerFactory loggerFactory,
    ILogger<MongoConnection> logger) : IHostedService, IAsyncDisposable
{
    private EmbeddedMongoServer? _embedded;
    private IMongoCollection<StoredMessage>? _messages;

    /// <summary>The messages collection; available once the host has started.</summary>
    public IMongoCollection<StoredMessage> Messages =>
        _messages ?? throw new InvalidOperationException("The MongoDB connection has not been started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = mongoOptions.Value;
        var connectionString = configuration.GetConnectionString("Mongo");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = configuration["MONGODB_URI"];
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var embedded = embeddedOptions.Value;
            var dataDirectory = string.IsNullOrWhiteSpace(embedded.DataDirectory) ? null : Path.GetFullPath(embedded.DataDirectory);
            _embedded = await EmbeddedMongoServer.StartAsync(
                // The engine's warnings (a torn journal tail dropped at start, say) belong in the server's log.
                new EmbeddedMongoOptions { Port = embedded.Port, DataDirectory = dataDirectory, LoggerFactory = loggerFactory, MinimumLogLevel = LogLevel.Warning },
                cancellationToken);
            connectionString = _embedded.ConnectionString;
            LogEmbeddedStore(logger, connectionString, dataDirectory ?? "(in memory)");
        }

        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.MaxConnectionPoolSize = options.MaxConnectionPoolSize;
        settings.ServerSelectionTimeout = options.ServerSelectionTimeout;
        settings.ConnectTimeout = options.ConnectTimeout;
        settings.SocketTimeout = options.OperationTimeout;
        settings.ApplicationName = "ChatSocket";
        var client = new MongoClient(settings);
        var writeConcern = int.TryParse(options.WriteConcern, out var nodes)
            ? new WriteConcern(nodes, journal: options.Journal)
            : new WriteConcern(options.WriteConcern, journal: options.Journal);
        _messages = client.GetDatabase(options.Database)
            .GetCollection<StoredMessage>(options.Collection)
            .WithWriteConcern(writeConcern);
        LogConnected(logger, string.Join(",", settings.Servers), options.Database, options.Collection);
        if (!options.Journal || options.WriteConcern != "majority")
        {
            LogWeakWriteConcern(logger, options.WriteConcern, options.Journal);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_messages is not null)
        {
            _messages.Database.Client.Dispose();
        }

        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "No MongoDB configured (ConnectionStrings:Mongo or MONGODB_URI): running on the embedded development store at {ConnectionString}, data in {DataDirectory}. Use a real MongoDB in production.")]
    private static partial void LogEmbeddedStore(ILogger logger, string connectionString, string dataDirectory);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Mongo:WriteConcern is {WriteConcern} and Mongo:Journal is {Journal}: an ack then means stored by fewer than a majority or not yet journaled, and a crash or failover can lose acked messages")]
    private static partial void LogWeakWriteConcern(ILogger logger, string writeConcern, bool journal);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Messages go to MongoDB {Server}, {Database}.{Collection}")]
    private static partial void LogConnected(ILogger logger, string server, string database, string collection);
}
