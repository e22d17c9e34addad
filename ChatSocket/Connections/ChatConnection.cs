using ChatSocket.Chat;
using ChatSocket.Identity;
using ChatSocket.WebSockets;

namespace ChatSocket.Connections;

/// <summary>
/// One WebSocket client: its identity and outbound queue, its <see cref="ChatSession"/>, and the two loops that serve
/// it — a receive loop (frames in, requests handled by the chat) and a send loop (the <see cref="Outbox"/>, running
/// only while frames wait). A closing connection (its close frame queued, or the peer's close or hang-up read) waits at
/// most <see cref="ChatOptions.CloseTimeout"/> for the close handshake, then its transport is dropped; a failed write
/// drops it at once.
/// </summary>
internal sealed class ChatConnection : IChatClient, IThreadPoolWorkItem
{
    // The close deadline's value once the run has ended: no timer is armed after it.
    private static readonly object RunEnded = new();

    private static readonly byte[] SlowConsumerClose = WebSocketFrameEncoder.Close(WebSocketCloseCodes.TryAgainLater, "slow consumer");
    private static readonly byte[] ShutdownClose = WebSocketFrameEncoder.Close(WebSocketCloseCodes.GoingAway, "server shutting down");
    private static readonly byte[] IdleClose = WebSocketFrameEncoder.Close(WebSocketCloseCodes.GoingAway, "idle timeout");
    private static readonly byte[] ExpiredClose = WebSocketFrameEncoder.Close(WebSocketCloseCodes.PolicyViolation, "token expired");

    private readonly ChatOptions _options;
    private readonly ChatMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Outbox _outbox;
    private long _lastReceived = Environment.TickCount64;
    private long _lastPing;
    private volatile bool _slowConsumer;
    private bool _closeTimedOut;
    private Action? _abortTransport;
    private CancellationToken _stopping;
    private string? _remoteAddress;
    private object? _closeDeadline; // null, the armed Timer, or RunEnded

    /// <summary>A connection of <paramref name="user"/>; <paramref name="identity"/> is its token's identity (whose
    /// name is <paramref name="user"/>), null when authentication is off.</summary>
    public ChatConnection(long id, string user, UserIdentity? identity, ChatOptions options, ChatMetrics metrics, SendBacklog backlog, ILogger logger)
    {
        Id = id;
        User = user;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _outbox = new Outbox(options.SendQueueCapacity, options.MaxWriteBytes, backlog);
        Session = new ChatSession(this, options, identity);
    }

    public long Id { get; }

    /// <summary>The user name every message of this connection carries as <c>sender</c>.</summary>
    public string User { get; }

    /// <summary>The client's state in the chat (rooms, rate limit), handed to the chat with each request.</summary>
    public ChatSession Session { get; }

    /// <summary>Whether the connection is closing (a close frame was queued, the receive side is done, or a write
    /// failed): nothing more will be sent or handled.</summary>
    public bool IsClosing => _outbox.IsCompleted;

    /// <summary>Frames waiting in the send queue.</summary>
    public int QueuedFrames => _outbox.Count;

    /// <summary>
    /// Queues a pre-encoded frame. Never waits: when the queue is full the connection is closed with 1013 and the
    /// frame is dropped, so a room never slows down for one member.
    /// </summary>
    public void Send(ReadOnlyMemory<byte> frame) => Send(frame, uncapped: false);

    /// <summary>
    /// Queues a broadcast frame like <see cref="Send(ReadOnlyMemory{byte})"/>, but leaves the wake-up of an idle send
    /// loop to the caller: true means call <see cref="WakeSendLoop"/> (outside any lock), so that one pass wakes every
    /// member of a room instead of one thread-pool hop per member.
    /// </summary>
    public bool SendDeferred(ReadOnlyMemory<byte> frame) => Send(frame, uncapped: false, deferWake: true) == EnqueueResult.QueuedWakeDeferred;

    /// <summary>Starts the send loop on this thread after <see cref="SendDeferred"/> returned true.</summary>
    public void WakeSendLoop() => _outbox.WakeInline();

    private EnqueueResult Send(ReadOnlyMemory<byte> frame, bool uncapped, bool deferWake = false)
    {
        var result = _outbox.TryEnqueue(frame, uncapped, deferWake);
        if (result is EnqueueResult.Queued or EnqueueResult.QueuedWakeDeferred)
        {
            _metrics.FrameDelivered();
        }
        else if (result == EnqueueResult.Full && _outbox.TryEnqueueLast(SlowConsumerClose, discardPending: true))
        {
            // Often called under a room's lock: count here, but log from the thread pool in the connection's own
            // context (ClosingStarted).
            _metrics.SlowConsumerClosed();
            _slowConsumer = true;
            StartClosing();
        }

        return result;
    }

    /// <summary>Queues an answer to the client's own message (an ack), not counted against the queue's cap.</summary>
    public void SendReply(ReadOnlyMemory<byte> frame) => Send(frame, uncapped: true);

    /// <summary>Starts the closing handshake with <paramref name="code"/>; later sends are dropped.</summary>
    public void Close(ushort code, string reason) => Close(WebSocketFrameEncoder.Close(code, reason));

    /// <summary>Keep-alive: closes a connection whose token ran out (1008), pings a quiet peer, closes one silent past
    /// the idle timeout.</summary>
    public void CheckKeepAlive(long now, long pingAfterMs, long idleAfterMs, DateTimeOffset utcNow)
    {
        if (CloseIfExpired(utcNow))
        {
            return;
        }

        var silent = now - Volatile.Read(ref _lastReceived);
        if (silent >= idleAfterMs)
        {
            if (!IsClosing)
            {
                ConnectionLog.IdleTimeout(_logger, Id);
                Close(IdleClose);
            }
        }
        else if (silent >= pingAfterMs && now - Volatile.Read(ref _lastPing) >= pingAfterMs)
        {
            Volatile.Write(ref _lastPing, now);
            Send(WebSocketFrameEncoder.EmptyPing);
        }
    }

    /// <summary>
    /// Serves the connection on its upgraded stream until it closes, then leaves the chat and the
    /// <paramref name="connections"/>: joins the room the <paramref name="admission"/> names (if any), then reads frames and
    /// hands requests to <paramref name="handler"/> while the <see cref="Outbox"/> writes what is queued.
    /// <paramref name="abortTransport"/> drops the TCP connection (when the close handshake does not finish in time, or
    /// a write failed); <paramref name="aborted"/> fires when it is gone.
    /// </summary>
    /// <remarks>
    /// The one method an idle connection keeps parked (issue 11): the receive loop is inline, the send loop runs only
    /// while frames wait, host shutdown reaches the connection through <paramref name="connections"/> (one
    /// registration for all), the close handshake's deadline is a timer armed only when it starts, and the log scope is
    /// begun around the connection's work (its start, each request, its close and end) rather than held while it
    /// waits.
    /// </remarks>
    public async Task RunAsync(Stream stream, UpgradeAdmission admission, ChatRequestHandler handler, ConnectionRegistry connections, Action abortTransport, CancellationToken aborted)
    {
        _abortTransport = abortTransport;
        _stopping = connections.Stopping;
        _remoteAddress = admission.RemoteAddress;
        Exception? failure = null;
        try
        {
            await StartAsync(stream, admission.Room, handler, connections, aborted);
            using var reader = new WebSocketReader(stream, _options.MaxMessageBytes);
            try
            {
                while (true)
                {
                    WebSocketReadResult frame;
                    try
                    {
                        await reader.WaitForDataAsync(aborted);
                        frame = await reader.ReadAsync(aborted);
                    }
                    catch (WebSocketProtocolException ex)
                    {
                        // Expected from misbehaving clients: answer with the close code, then read on (skipping frames)
                        // until the peer's close or hang-up, so that its unread bytes do not turn our close frame into
                        // a TCP reset and a well-behaved peer is not kept waiting for the close timeout.
                        using (BeginLogScope())
                        {
                            ConnectionLog.ProtocolViolation(_logger, Id, ex.CloseCode, ex.Message);
                        }

                        Close(ex.CloseCode, ex.Message);
                        await reader.SkipToCloseAsync(aborted);
                        break;
                    }

                    Volatile.Write(ref _lastReceived, Environment.TickCount64);
                    if (frame.Kind == WebSocketReadKind.Text && !IsClosing)
                    {
                        // The backlog is read through the outbox, which keeps it anyway: one reference less per idle
                        // connection (issue 11).
                        if (_outbox.Backlog is { IsBehind: true } backlog)
                        {
                            // The server is behind on its sends: the request waits (its sender's next frames wait in
                            // the socket) rather than adding to every member's queue.
                            await backlog.WaitAsync(aborted);
                        }

                        await HandleAsync(handler, frame.Payload, aborted);
                    }
                    else if (!Answer(frame))
                    {
                        break;
                    }
                }
            }
            catch (Exception ex)
            {
                // Expected: the peer reset the connection or it was aborted (reported quietly below). Otherwise a bug
                // while handling a frame: tell the client, end this connection only.
                failure = ex;
                if (ex is not OperationCanceledException)
                {
                    Close(WebSocketCloseCodes.InternalError, "internal error");
                }
            }

            // The receive side is done (the peer's close or hang-up, or a violation answered): what is queued (the
            // close frame) goes out, within the close handshake's deadline.
            _outbox.Complete();
            var stopped = _outbox.WhenStopped();
            if (!stopped.IsCompleted)
            {
                ArmCloseDeadline();
                await stopped;
            }
        }
        finally
        {
            if (Interlocked.Exchange(ref _closeDeadline, RunEnded) is Timer deadline)
            {
                deadline.Dispose();
            }

            using (BeginLogScope())
            {
                if (Volatile.Read(ref _closeTimedOut))
                {
                    ConnectionLog.CloseTimedOut(_logger, Id);
                }

                Report(failure);
                Report(_outbox.Fault);
                handler.Disconnect(Session);
                connections.Remove(this);
                ConnectionLog.Ended(_logger, Id);
            }
        }
    }

    /// <summary>Closes the connection with 1001 as the host stops (see <see cref="ConnectionRegistry"/>).</summary>
    public void CloseForShutdown() => Close(ShutdownClose);

    // The closing handshake started (our close frame is queued): run from the thread pool, never under a room's lock.
    void IThreadPoolWorkItem.Execute()
    {
        using (BeginLogScope())
        {
            if (_slowConsumer)
            {
                ConnectionLog.SlowConsumer(_logger, Id);
            }

            ArmCloseDeadline();
        }
    }

    // A log scope carrying the connection id, user and remote address, for what the connection logs. Begun in an
    // async method (or a thread-pool item), it ends with it: the context the idle read holds is left without it.
    private IDisposable? BeginLogScope() => _logger.BeginConnectionScope(Id, User, _remoteAddress);

    // Opens the connection in its log scope: joins the room the URL names, then lets the send loop write (after the
    // join, so that its answer goes out in one write).
    private async Task StartAsync(Stream stream, string room, ChatRequestHandler handler, ConnectionRegistry connections, CancellationToken aborted)
    {
        using var scope = BeginLogScope();
        ConnectionLog.Opened(_logger, Id, User, _remoteAddress);
        connections.Add(this);
        if (room.Length > 0)
        {
            await handler.JoinAsync(Session, room, null, null, "join", aborted);
        }

        _outbox.Open(stream, _abortTransport!, aborted);
    }

    // Handles a text frame in the connection's log scope (no request runs on an expired token).
    private async Task HandleAsync(ChatRequestHandler handler, ReadOnlyMemory<byte> payload, CancellationToken aborted)
    {
        using var scope = BeginLogScope();
        if (!CloseIfExpired(DateTimeOffset.UtcNow))
        {
            await handler.HandleAsync(Session, payload, aborted);
        }
    }

    private void StartClosing() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    // The close handshake (both sides' close frames, or the rest of what is queued after the peer's) has until the
    // deadline; then the transport is dropped, which ends the pending read and write. Armed once; a timer only while
    // closing, so an idle connection keeps none.
    private void ArmCloseDeadline()
    {
        if (Volatile.Read(ref _closeDeadline) is not null)
        {
            return;
        }

        var timeout = _stopping.IsCancellationRequested && _options.ShutdownTimeout < _options.CloseTimeout
            ? _options.ShutdownTimeout
            : _options.CloseTimeout;
        var timer = new Timer(static state => ((ChatConnection)state!).OnCloseDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref _closeDeadline, timer, null) is null)
        {
            timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
        else
        {
            // Armed by the other side of the race, or the run has ended.
            timer.Dispose();
        }
    }

    private void OnCloseDeadline()
    {
        if (Volatile.Read(ref _closeDeadline) is Timer)
        {
            Volatile.Write(ref _closeTimedOut, true);
            _abortTransport?.Invoke();
        }
    }

    private bool Close(byte[] closeFrame)
    {
        if (_outbox.TryEnqueueLast(closeFrame, discardPending: false))
        {
            StartClosing();
            return true;
        }

        return false;
    }

    // Called by the sweep and before each frame is handled, so that no request runs on an expired token even between
    // two sweeps.
    private bool CloseIfExpired(DateTimeOffset utcNow)
    {
        if (!Session.IsExpired(utcNow))
        {
            return false;
        }

        if (!IsClosing && Close(ExpiredClose))
        {
            ConnectionLog.TokenExpired(_logger, Id);
        }

        return true;
    }

    // Any frame but a text frame to handle: false when the receive side is done.
    private bool Answer(WebSocketReadResult frame)
    {
        switch (frame.Kind)
        {
            case WebSocketReadKind.Ping:
                Send(WebSocketFrameEncoder.Frame(WebSocketOpcode.Pong, frame.Payload.Span));
                return true;
            case WebSocketReadKind.Close:
                // Echo the peer's code; when we closed first this is its answer and nothing more is sent.
                Close(frame.CloseCode == WebSocketCloseCodes.NoStatusReceived
                    ? WebSocketFrameEncoder.Close(WebSocketCloseCodes.NormalClosure, string.Empty)
                    : WebSocketFrameEncoder.Close(frame.CloseCode, string.Empty));
                return false;
            case WebSocketReadKind.EndOfStream:
                return false;
            default:
                // A pong, or text after our close frame: only the activity counts.
                return true;
        }
    }

    private void Report(Exception? failure)
    {
        switch (failure)
        {
            case null:
                return;
            case OperationCanceledException:
                // The connection was aborted (by the peer, the close deadline or a failed write).
                return;
            case IOException:
                // The peer reset or dropped the TCP connection.
                return;
            default:
                ConnectionLog.Failed(_logger, Id, failure);
                return;
        }
    }
}
