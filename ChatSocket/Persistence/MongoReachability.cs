using System.Collections.Concurrent;
using MongoDB.Driver.Core.Configuration;
using MongoDB.Driver.Core.Events;

namespace ChatSocket.Persistence;

/// <summary>
/// What the driver's heartbeats say about the MongoDB servers: one log line when a server cannot be reached (with the
/// reason, at once rather than after a server-selection timeout), one when it is back; and a fast answer for reads
/// while none can be reached, so that a join gets <c>unavailable</c> at once instead of after 10 s.
/// </summary>
internal sealed partial class MongoReachability(ILogger<MongoReachability> logger)
{
    // One entry per server of the deployment: bounded by the connection string's hosts and the replica set's members.
    private readonly ConcurrentDictionary<string, string?> _failures = new(StringComparer.Ordinal);

    /// <summary>True when every server heard of failed its last heartbeat.</summary>
    public bool NoneReachable => !_failures.IsEmpty && _failures.Values.All(reason => reason is not null);

    /// <summary>The last reason a server could not be reached, for error messages.</summary>
    public string? LastFailure => _failures.Values.FirstOrDefault(reason => reason is not null);

    public void Subscribe(ClusterBuilder cluster)
    {
        cluster.Subscribe<ServerHeartbeatFailedEvent>(e => Failed(e.ConnectionId.ServerId.EndPoint.ToString() ?? "?", e.Exception));
        cluster.Subscribe<ServerHeartbeatSucceededEvent>(e => Succeeded(e.ConnectionId.ServerId.EndPoint.ToString() ?? "?"));
    }

    private void Failed(string server, Exception exception)
    {
        var reason = Innermost(exception).Message;
        var previous = _failures.GetValueOrDefault(server, null);
        _failures[server] = reason;
        if (previous is null)
        {
            LogUnreachable(logger, server, reason);
        }
    }

    private void Succeeded(string server)
    {
        if (_failures.TryGetValue(server, out var previous) && previous is not null)
        {
            LogReachable(logger, server);
        }

        _failures[server] = null;
    }

    private static Exception Innermost(Exception exception) =>
        exception.InnerException is { } inner ? Innermost(inner) : exception;

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "MongoDB {Server} cannot be reached: {Reason}. Live chat goes on; messages wait in the queue until it is back")]
    private static partial void LogUnreachable(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "MongoDB {Server} is reachable again")]
    private static partial void LogReachable(ILogger logger, string server);
}
