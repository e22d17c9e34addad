using System.Collections.Concurrent;
using System.Threading.Channels;
using ChatSocket.Messages;
using ChatSocket.Rooms;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using StackExchange.Redis;

namespace ChatSocket.Backplane;

/// <summary>
/// The Redis backplane (docs/SCALING.md): one <see cref="ConnectionMultiplexer"/> per node; publishes run
/// <see cref="BackplaneScript.IssueAndPublish"/>, each room with local members subscribes to its channel. Commands fail
/// fast while Redis is unreachable (no backlog): a send is refused at once or after <see cref="BackplaneOptions.Timeout"/>,
/// never queued behind an outage. The library reconnects and resubscribes by itself.
/// </summary>
internal sealed class RedisBackplane(IOptions<BackplaneOptions> options, BackplaneMetrics metrics, ILogger<RedisBackplane> logger)
    : IRoomBackplane, IHostedService, IAsyncDisposable
{
    private readonly BackplaneOptions _options = options.Value;
    // Rooms with local members (bounded by Chat:MaxRooms), caught up after the subscription connection comes back.
    private readonly ConcurrentDictionary<RedisSubscription, byte> _subscriptions = new();
    // One pending catch-up stands for any number of reconnects.
    private readonly Channel<bool> _reconnects = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private static readonly TimeSpan[] CatchUpDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)];
    private readonly CancellationTokenSource _stopping = new();
    private ConnectionMultiplexer? _redis;
    private Task _catchUps = Task.CompletedTask;
    private RedisPresence? _presence;
    private Task _presenceLoop = Task.CompletedTask;

    /// <summary>This process's id on the backplane: a message carrying it was accepted here.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public bool IsEnabled => true;

    private ConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("the backplane has not started");

    private RedisPresence Presence => _presence ?? throw new InvalidOperationException("the backplane has not started");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(_options.Redis!);
        // Start even while Redis is down (not ready until it is back), and refuse commands at once while it is:
        // a send queued behind an outage would be acked late or lost with the process.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        // Back within about 2 s of Redis: the library's default backoff (5 s steps) left a node deaf for longer than
        // its clients' patience after a Redis restart, while the other nodes had already resumed publishing.
        configuration.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 2000);
        var timeout = (int)_options.Timeout.TotalMilliseconds;
        configuration.ConnectTimeout = timeout;
        configuration.AsyncTimeout = timeout;
        configuration.SyncTimeout = timeout;
        configuration.ClientName ??= "chatsocket-" + NodeId[..8];
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken);
        _redis.ConnectionFailed += (_, e) => BackplaneLog.ConnectionFailed(logger, e.ConnectionType.ToString(), e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception);
        _redis.ConnectionRestored += (_, e) =>
        {
            metrics.Reconnected(e.ConnectionType.ToString());
            BackplaneLog.ConnectionRestored(logger, e.ConnectionType.ToString(), e.EndPoint?.ToString() ?? "?");
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                _reconnects.Writer.TryWrite(true);
            }
        };
        _catchUps = CatchUpAfterReconnectsAsync(_stopping.Token);
        _presence = new RedisPresence(_redis, NodeId, _options, () => _subscriptions.Keys, metrics, logger);
        _presenceLoop = _presence.RunAsync(_stopping.Token);
        BackplaneLog.Started(logger, NodeId, string.Join(", ", configuration.EndPoints));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _catchUps.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _presenceLoop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await Presence.LeaveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            // Unreachable: the other nodes stop counting this one when its heartbeat runs out instead.
            BackplaneLog.OperationFailed(logger, "leaving the cluster", "*", ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    /// <summary>
    /// After the subscription connection comes back (the library resubscribes every channel by itself), each room
    /// with local members reads the recent messages Redis holds and delivers those it missed while it was not
    /// listening, in order. A ping on the subscription connection first, so the resubscriptions sent before it are
    /// in force when the list is read.
    /// </summary>
    private async Task CatchUpAfterReconnectsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in _reconnects.Reader.ReadAllAsync(cancellationToken))
            {
                // Four times, a little apart: the library may resubscribe after the ping, and a message published in
                // between is in neither the first read nor the subscription (seen as a flaky test). Delivery drops
                // what a room already has, so a repeated catch-up costs one read per room and no duplicate.
                foreach (var delay in CatchUpDelays)
                {
                    await Task.Delay(delay, cancellationToken);
                    try
                    {
                        await Redis.GetSubscriber().PingAsync().WaitAsync(_options.Timeout, cancellationToken);
                        foreach (var subscription in _subscriptions.Keys)
                        {
                            subscription.Room.CatchUp(await ReadRecentAsync(subscription.RoomId, cancellationToken));
                        }
                    }
                    catch (Exception ex) when (ex is RedisException or TimeoutException)
                    {
                        // Failed this time (down again, or a restarted Redis still loading its data, which refuses
                        // reads): the next try is still due, and the next restore brings another catch-up.
                        BackplaneLog.OperationFailed(logger, "catch-up after a reconnect", "*", ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<BackplaneDelivery[]> ReadRecentAsync(string roomId, CancellationToken cancellationToken)
    {
        var recent = _options.RecentCapacity == 0
            ? []
            : await Redis.GetDatabase().ListRangeAsync(RecentKey(roomId)).WaitAsync(_options.Timeout, cancellationToken);
        return [.. recent.Select(payload => Decode(roomId, (byte[])payload!)).OfType<BackplaneDelivery>()];
    }

    /// <summary>Pings Redis, bounded by the backplane's timeout.</summary>
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken) =>
        Redis.GetDatabase().PingAsync().WaitAsync(_options.Timeout, cancellationToken);

    public async Task<ChatMessage> PublishAsync(string roomId, string sender, string content, string? clientMsgId, ObjectId floor, CancellationToken cancellationToken)
    {
        var body = BackplaneEnvelope.EncodeBody(NodeId, sender, clientMsgId, content);
        RedisResult reply;
        try
        {
            reply = await Redis.GetDatabase().ScriptEvaluateAsync(
                BackplaneScript.IssueAndPublish,
                [ClockKey(roomId), RecentKey(roomId), DiscriminatorKey],
                [ChannelName(roomId), body, floor == ObjectId.Empty ? -1 : floor.Timestamp, _options.RecentCapacity, (long)_options.RecentRetention.TotalSeconds])
                .WaitAsync(_options.Timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Not answered: the script may or may not have run. If it did, the message comes back through the
            // subscription and is stored like any of this node's; the sender, told to send again, resends it with its
            // client_msg_id and is acked with the original's id.
            metrics.Failed("publish");
            BackplaneLog.OperationFailed(logger, "publish", roomId, ex.Message);
            throw new BackplaneUnavailableException("the backplane is unreachable", ex);
        }

        metrics.Published();
        var (id, timestamp) = BackplaneEnvelope.DecodeHeader((byte[])reply!);
        return new ChatMessage(id, roomId, sender, content, timestamp, clientMsgId);
    }

    public void MembersChanged(string roomId, string user, bool joined, int localCount) =>
        Presence.Enqueue(roomId, user, joined, localCount);

    public async Task<IReadOnlyDictionary<string, int>> OtherNodesRoomsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Presence.ReadAllRoomsAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or FormatException)
        {
            metrics.Failed("rooms");
            BackplaneLog.OperationFailed(logger, "reading the other nodes' rooms", "*", ex.Message);
            throw new BackplaneUnavailableException("the backplane is unreachable", ex);
        }
    }

    public async Task<IDisposable> SubscribeAsync(string roomId, IBackplaneRoom room, CancellationToken cancellationToken)
    {
        ChannelMessageQueue queue;
        try
        {
            queue = await Redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(ChannelName(roomId))).WaitAsync(_options.Timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            metrics.Failed("subscribe");
            BackplaneLog.OperationFailed(logger, "subscribe", roomId, ex.Message);
            throw new BackplaneUnavailableException("the backplane is unreachable", ex);
        }

        // Subscribed first, then the recent list read: a message published in between is in both, and the room keeps
        // the first copy (ids only grow). Messages arriving meanwhile wait in the queue until OnMessage below.
        try
        {
            room.CatchUp(await ReadRecentAsync(roomId, cancellationToken));
            room.RemoteMembers(await Presence.ReadRoomAsync(roomId, cancellationToken));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or FormatException or OperationCanceledException)
        {
            queue.Unsubscribe(CommandFlags.FireAndForget);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            metrics.Failed("subscribe");
            BackplaneLog.OperationFailed(logger, "catch-up", roomId, ex.Message);
            throw new BackplaneUnavailableException("the backplane is unreachable", ex);
        }

        // The library calls this for one message at a time, in the order Redis sent them: the room's id order.
        queue.OnMessage(message =>
        {
            var payload = (byte[])message.Message!;
            if (PresenceEnvelope.IsPresence(payload))
            {
                if (DecodePresence(roomId, payload) is { } presence && presence.NodeId != NodeId)
                {
                    room.OnPresence(presence);
                }
            }
            else if (Decode(roomId, payload) is { } delivery)
            {
                room.OnPublished(delivery);
            }
        });
        var subscription = new RedisSubscription(roomId, room, queue, removed => _subscriptions.TryRemove(removed, out _));
        _subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    private BackplaneDelivery? Decode(string roomId, byte[] payload)
    {
        try
        {
            var (message, nodeId) = BackplaneEnvelope.Decode(roomId, payload);
            metrics.Received(message.Timestamp);
            return new BackplaneDelivery(message, nodeId == NodeId);
        }
        catch (FormatException ex)
        {
            // Not written by this version of the script: dropped and logged, the room goes on.
            BackplaneLog.Undecodable(logger, roomId, ex);
            return null;
        }
    }

    private PresenceDelivery? DecodePresence(string roomId, byte[] payload)
    {
        try
        {
            return PresenceEnvelope.Decode(payload);
        }
        catch (FormatException ex)
        {
            BackplaneLog.Undecodable(logger, roomId, ex);
            return null;
        }
    }

    // One counter for the whole cluster: every room draws its id discriminator from it once.
    private static readonly RedisKey DiscriminatorKey = "chatsocket:rooms:discriminator";

    // Hash tags: all keys and the channel of a room live on one Redis Cluster slot.
    private static string ClockKey(string roomId) => $"chatsocket:{{{roomId}}}:clock";

    private static string RecentKey(string roomId) => $"chatsocket:{{{roomId}}}:recent";

    internal static string ChannelName(string roomId) => $"chatsocket:{{{roomId}}}:messages";
}
