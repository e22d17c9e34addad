using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace ChatSocket.Connections;

/// <summary>
/// Every open connection, for the connection limit, keep-alive and diagnostics. A slot is reserved before the
/// upgrade (so the limit holds under a burst of upgrades) and released when the connection ends.
/// </summary>
internal sealed class ConnectionRegistry(IOptions<ChatOptions> options)
{
    private readonly ConcurrentDictionary<long, ChatConnection> _connections = new();
    private readonly int _limit = options.Value.MaxConnections;
    private int _reserved;
    private long _lastId;

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

    public void Add(ChatConnection connection) => _connections[connection.Id] = connection;

    public void Remove(ChatConnection connection) => _connections.TryRemove(connection.Id, out _);

    /// <summary>Frames waiting in all send queues (sampled for the metrics).</summary>
    public long QueuedFrames()
    {
        var total = new StrongBox<long>();
        ForEach(static (connection, sum) => sum.Value += connection.QueuedFrames, total);
        return total.Value;
    }

    /// <summary>Visits every open connection without copying the set.</summary>
    public void ForEach<TState>(Action<ChatConnection, TState> action, TState state)
    {
        foreach (var pair in _connections)
        {
            action(pair.Value, state);
        }
    }
}
