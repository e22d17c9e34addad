using System.Globalization;
using System.Threading.Channels;
using ChatSocket.Rooms;
using StackExchange.Redis;

namespace ChatSocket.Backplane;

/// <summary>
/// Member counts across the nodes (docs/SCALING.md, "Presence across nodes"). One loop per node, in order: it writes
/// each membership change of this node to the node's hash and publishes it on the room's channel
/// (<see cref="PresenceScripts.Change"/>), and every <see cref="BackplaneOptions.HeartbeatInterval"/> it refreshes the
/// node's heartbeat and hands every local room the other live nodes' counts. A node that stops its heartbeat
/// leaves every count within <see cref="BackplaneOptions.NodeTimeout"/> + <see cref="BackplaneOptions.HeartbeatInterval"/>.
/// Versions are issued by this loop, so the hash and the events carry them in the order they were written.
/// </summary>
internal sealed class RedisPresence(
    ConnectionMultiplexer redis,
    string nodeId,
    BackplaneOptions options,
    Func<IEnumerable<RedisSubscription>> subscriptions,
    BackplaneMetrics metrics,
    ILogger logger)
{
    /// <summary>Changes waiting for Redis; when full, a change is dropped (counted) and the node's hash is written
    /// whole at the next heartbeat, from which the other nodes read the counts again.</summary>
    public const int QueueCapacity = 10_000;

    private const string VersionField = "~v";
    private static readonly RedisKey NodesKey = "chatsocket:nodes";

    private readonly Channel<PresenceChange> _changes = Channel.CreateBounded<PresenceChange>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly RedisKey _nodeKey = NodeKey(nodeId);
    private readonly long _timeoutMs = (long)options.NodeTimeout.TotalMilliseconds;
    private long _version;
    // Written whole (again) at the next heartbeat: at start, after a dropped or failed change, after Redis lost it.
    private volatile bool _rewrite = true;
    private bool _failing;

    /// <summary>Queues a change of this node's members in a room; never waits (called under the room's lock).</summary>
    public void Enqueue(string roomId, string user, bool joined, int localCount)
    {
        if (!_changes.Writer.TryWrite(new PresenceChange(roomId, user, joined, localCount)))
        {
            _rewrite = true;
            metrics.PresenceDropped();
        }
    }

    /// <summary>The loop: changes as they come, the heartbeat on time. Redis failures are logged once per outage
    /// and healed by a rewrite; the loop ends only with <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var nextBeat = TimeProvider.System.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                while (_changes.Reader.TryRead(out var change))
                {
                    await WriteAsync(change, cancellationToken);
                }

                if (TimeProvider.System.GetElapsedTime(nextBeat) >= TimeSpan.Zero)
                {
                    nextBeat = TimeProvider.System.GetTimestamp() + (long)(options.HeartbeatInterval.TotalSeconds * TimeProvider.System.TimestampFrequency);
                    await HeartbeatAsync(cancellationToken);
                }

                Recovered();
                await WaitForChangeAsync(-TimeProvider.System.GetElapsedTime(nextBeat), cancellationToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or FormatException)
            {
                // Redis unreachable (or a node hash not written by this version): what was not written is written
                // whole once it answers again.
                _rewrite = true;
                if (!_failing)
                {
                    _failing = true;
                    BackplaneLog.PresenceFailed(logger, ex.Message);
                }

                await WaitForChangeAsync(options.HeartbeatInterval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping.
            }
        }
    }

    private void Recovered()
    {
        if (_failing)
        {
            _failing = false;
            BackplaneLog.PresenceRestored(logger);
        }
    }

    // Returns when a change is queued or the time is up, whichever comes first.
    private async Task WaitForChangeAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            await _changes.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The heartbeat is due.
        }
    }

    private async Task WriteAsync(PresenceChange change, CancellationToken cancellationToken)
    {
        var version = ++_version;
        var payload = PresenceEnvelope.Encode(nodeId, version, change.LocalCount, change.Joined, change.User);
        var existed = await redis.GetDatabase().ScriptEvaluateAsync(
            PresenceScripts.Change,
            [_nodeKey, NodesKey],
            [nodeId, _timeoutMs, change.RoomId, change.LocalCount, version, RedisBackplane.ChannelName(change.RoomId), payload])
            .WaitAsync(options.Timeout, cancellationToken);
        if ((long)existed == 0)
        {
            // The hash was gone (a new node, or Redis lost it): the other rooms' counts are written again at once.
            await RewriteAsync(cancellationToken);
        }
    }

    private async Task RewriteAsync(CancellationToken cancellationToken)
    {
        _rewrite = false;
        var version = ++_version;
        var arguments = new List<RedisValue> { nodeId, _timeoutMs, version };
        foreach (var room in subscriptions().GroupBy(s => s.RoomId, StringComparer.Ordinal))
        {
            var count = room.Sum(s => s.Room.LocalMemberCount);
            if (count > 0)
            {
                arguments.Add(room.Key);
                arguments.Add(count);
            }
        }

        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(PresenceScripts.Rewrite, [_nodeKey, NodesKey], [.. arguments])
                .WaitAsync(options.Timeout, cancellationToken);
        }
        catch
        {
            _rewrite = true;
            throw;
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(PresenceScripts.Heartbeat, [_nodeKey, NodesKey], [nodeId, _timeoutMs])
            .WaitAsync(options.Timeout, cancellationToken))!;
        if ((long)reply[0] == 0 || _rewrite)
        {
            await RewriteAsync(cancellationToken);
        }

        var live = reply.Skip(1).Select(node => (string)node!).ToList();
        var rooms = subscriptions().ToList();
        if (rooms.Count == 0)
        {
            return;
        }

        var others = await ReadOtherNodesAsync(live, roomId: null, cancellationToken);
        foreach (var subscription in rooms)
        {
            subscription.Room.RemoteMembers(MembersIn(others, subscription.RoomId));
        }
    }

    /// <summary>The other live nodes' counts in one room (read when the room starts listening).</summary>
    public async Task<IReadOnlyDictionary<string, NodeMembers>> ReadRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        var others = await ReadOtherNodesAsync(await LiveNodesAsync(cancellationToken), roomId, cancellationToken);
        return MembersIn(others, roomId);
    }

    /// <summary>The other live nodes' counts per room, summed.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ReadAllRoomsAsync(CancellationToken cancellationToken)
    {
        var others = await ReadOtherNodesAsync(await LiveNodesAsync(cancellationToken), roomId: null, cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var fields in others.Values)
        {
            foreach (var (field, (count, _)) in fields)
            {
                if (field != VersionField)
                {
                    counts[field] = counts.GetValueOrDefault(field) + count;
                }
            }
        }

        return counts;
    }

    /// <summary>Leaves the cluster at a graceful stop: the other nodes stop counting this one at their next heartbeat
    /// instead of after the timeout.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        await Task.WhenAll(database.KeyDeleteAsync(_nodeKey), database.SortedSetRemoveAsync(NodesKey, nodeId))
            .WaitAsync(options.Timeout, cancellationToken);
    }

    private async Task<List<string>> LiveNodesAsync(CancellationToken cancellationToken)
    {
        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(PresenceScripts.LiveNodes, [NodesKey])
            .WaitAsync(options.Timeout, cancellationToken))!;
        return [.. reply.Select(node => (string)node!)];
    }

    // Each other live node's fields (one room and the version, or all), as (count, version); pipelined, one round trip.
    private async Task<Dictionary<string, Dictionary<string, (int Count, long Version)>>> ReadOtherNodesAsync(
        IEnumerable<string> live, string? roomId, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var reads = live.Where(node => node != nodeId).Select(async node =>
        {
            var fields = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
            if (roomId is null)
            {
                foreach (var entry in await database.HashGetAllAsync(NodeKey(node)))
                {
                    fields[(string)entry.Name!] = Parse(entry.Value);
                }
            }
            else
            {
                var values = await database.HashGetAsync(NodeKey(node), [roomId, VersionField]);
                if (!values[0].IsNull)
                {
                    fields[roomId] = Parse(values[0]);
                }

                if (!values[1].IsNull)
                {
                    fields[VersionField] = Parse(values[1]);
                }
            }

            return (node, fields);
        }).ToList();
        var results = await Task.WhenAll(reads).WaitAsync(options.Timeout, cancellationToken);
        return results.ToDictionary(r => r.node, r => r.fields, StringComparer.Ordinal);
    }

    // A live node with no entry for the room has no member there as of its newest version.
    private static Dictionary<string, NodeMembers> MembersIn(Dictionary<string, Dictionary<string, (int Count, long Version)>> others, string roomId)
    {
        var members = new Dictionary<string, NodeMembers>(StringComparer.Ordinal);
        foreach (var (node, fields) in others)
        {
            members[node] = fields.TryGetValue(roomId, out var entry)
                ? new NodeMembers(entry.Count, entry.Version)
                : new NodeMembers(0, fields.TryGetValue(VersionField, out var newest) ? newest.Version : -1);
        }

        return members;
    }

    // "count:version" for a room, "version" for ~v.
    private static (int Count, long Version) Parse(RedisValue value)
    {
        var text = (string)value!;
        var colon = text.LastIndexOf(':');
        return colon < 0
            ? (0, long.Parse(text, CultureInfo.InvariantCulture))
            : (int.Parse(text.AsSpan(0, colon), CultureInfo.InvariantCulture), long.Parse(text.AsSpan(colon + 1), CultureInfo.InvariantCulture));
    }

    private static RedisKey NodeKey(string node) => $"chatsocket:node:{{{node}}}:rooms";
}
