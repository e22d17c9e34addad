using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace ChatSocket.Connections;

/// <summary>
/// Every open connection, for the connection limit, keep-alive, shutdown and diagnostics. A slot is reserved before
/// the upgrade (so the limit holds under a burst of upgrades) and released when the connection ends. When the host
/// stops, every connection is closed with 1001 through one registration on its stopping token, not one per connection
/// (each cost an idle connection a callback node, issue 11), and the log says how many: the operator sees what a
/// restart cost (the message writer reports what it stored or spilled).
/// </summary>
internal sealed partial class ConnectionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<long, ChatConnection> _connections = new();
    private readonly int _limit;
    private readonly ILogger _logger;
    private readonly CancellationTokenRegistration _onStopping;
    private int _reserved;
    private long _lastId;

    public ConnectionRegistry(IOptions<ChatOptions> options, IHostApplicationLifetime lifetime, ILogger<ConnectionRegistry> logger)
    {
        _limit = options.Value.MaxConnections;
        _logger = logger;
        Stopping = lifetime.ApplicationStopping;
        _onStopping = Stopping.UnsafeRegister(static state => ((ConnectionRegistry)state!).CloseAllForShutdown(), this);
    }

    /// <summary>The host's stopping token.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Open connections.</summary>
    public int Count => _connections.Count;

    /// <summary>The configured limit.</summary>
    public int Limit => _limit;

    /// <summary>Reserves a slot for a new connection; false when the limit is reached.</summary>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _reserved) > _limit)
        {
            Interlocked.Decrement(ref _reserved);
            return false;
        }

        return true;
    }

    /// <summary>Gives back a slot taken by <see cref="TryReserve"/>.</summary>
    public void Release() => Interlocked.Decrement(ref _reserved);

    /// <summary>A new connection id.</summary>
    public long NextId() => Interlocked.Increment(ref _lastId);

    /// <summary>Adds an open connection; one added as the host stops is closed at once (the shutdown's pass may have
    /// gone by).</summary>
    public void Add(ChatConnection connection)
    {
        _connections[connection.Id] = connection;
        if (Stopping.IsCancellationRequested)
        {
            connection.CloseForShutdown();
        }
    }

    public void Remove(ChatConnection connection) => _connections.TryRemove(connection.Id, out _);

    /// <summary>Frames waiting in all send queues (sampled for the metrics).</summary>
    public long QueuedFrames()
    {
        var total = new StrongBox<long>();
        ForEach(static (connection, sum) => sum.Value += connection.QueuedFrames, total);
        return total.Value;
    }

    public void Dispose() => _onStopping.Dispose();

    // Counted as the closes go out, before the clients' answers can end their connections.
    private void CloseAllForShutdown()
    {
        LogClosing(_logger, Count);
        ForEach(static (connection, _) => connection.CloseForShutdown(), 0);
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Shutting down: closing {Count} client connections (1001)")]
    private static partial void LogClosing(ILogger logger, int count);

    /// <summary>Visits every open connection without copying the set.</summary>
    public void ForEach<TState>(Action<ChatConnection, TState> action, TState state)
    {
        foreach (var pair in _connections)
        {
            action(pair.Value, state);
        }
    }
}
