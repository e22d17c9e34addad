using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace ChatSocket.Persistence;

/// <summary>
/// Owns the <see cref="MongoClient"/>, connected to whatever <see cref="IConnectionStringSource"/> names. A hosted
/// service registered before the message writer, so it starts first and stops last.
/// </summary>
internal sealed partial class MongoConnection(
    IConnectionStringSource connectionStrings,
    IOptions<MongoOptions> mongoOptions,
    MongoReachability reachability,
    ILogger<MongoConnection> logger) : IHostedService, IAsyncDisposable
{
    private IMongoCollection<StoredMessage>? _messages;
    private IMongoCollection<StoredMessage>? _durableMessages;

    /// <summary>The messages collection; available once the host has started.</summary>
    public IMongoCollection<StoredMessage> Messages =>
        _messages ?? throw new InvalidOperationException("The MongoDB connection has not been started.");

    /// <summary>The messages collection for reads that must see only what is durable under the configured write
    /// concern (majority read concern when writes ask for majority): the proofs that a message is stored.</summary>
    public IMongoCollection<StoredMessage> DurableMessages =>
        _durableMessages ?? throw new InvalidOperationException("The MongoDB connection has not been started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = mongoOptions.Value;
        var connectionString = await connectionStrings.GetConnectionStringAsync(cancellationToken);
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.MaxConnectionPoolSize = options.MaxConnectionPoolSize;
        settings.ServerSelectionTimeout = options.ServerSelectionTimeout;
        settings.ConnectTimeout = options.ConnectTimeout;
        settings.SocketTimeout = options.OperationTimeout;
        settings.ApplicationName = "ChatSocket";
        // Heartbeats tell at once that a server is down (and when it is back); every 2 s instead of 10 s.
        settings.HeartbeatInterval = TimeSpan.FromSeconds(2);
        settings.ClusterConfigurator = reachability.Subscribe;
        var client = new MongoClient(settings);
        var writeConcern = int.TryParse(options.WriteConcern, out var nodes)
            ? new WriteConcern(nodes, journal: options.Journal)
            : new WriteConcern(options.WriteConcern, journal: options.Journal);
        _messages = client.GetDatabase(options.Database)
            .GetCollection<StoredMessage>(options.Collection)
            .WithWriteConcern(writeConcern);
        _durableMessages = options.WriteConcern == "majority" ? _messages.WithReadConcern(ReadConcern.Majority) : _messages;
        LogConnected(logger, string.Join(",", settings.Servers), options.Database, options.Collection);
        if (!options.Journal || options.WriteConcern != "majority")
        {
            LogWeakWriteConcern(logger, options.WriteConcern, options.Journal);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _messages?.Database.Client.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Mongo:WriteConcern is {WriteConcern} and Mongo:Journal is {Journal}: an ack then means stored by fewer than a majority or not yet journaled, and a crash or failover can lose acked messages")]
    private static partial void LogWeakWriteConcern(ILogger logger, string writeConcern, bool journal);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Messages go to MongoDB {Server}, {Database}.{Collection}")]
    private static partial void LogConnected(ILogger logger, string server, string database, string collection);
}
