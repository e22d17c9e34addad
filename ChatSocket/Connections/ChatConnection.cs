using ChatSocket.Chat;
using ChatSocket.Identity;
using ChatSocket.WebSockets;

namespace ChatSocket.Connections;

/// <summary>
/// One WebSocket client: its identity and outbound queue, its <see cref="ChatSession"/>, and the two loops that serve
/// it — a receive loop (frames in, requests handled by the chat) and a send loop (the <see cref="Outbox"/>). The first loop to end ends
/// the other; a closing connection waits at most <see cref="ChatOptions.CloseTimeout"/> for the close handshake.
/// </summary>
internal sealed class ChatConnection : IChatClient
{
    private static readonly byte[] SlowConsumerClose = WebSocketFrameEncoder.Close(WebSocketCloseCodes.TryAgainLater, "slow consumer");
    private static readonly byte[] ShutdownClose = WebSocketFrameEncoder.Close(WebSocketCloseCodes.GoingAway, "server shutting down");
    private static readonly byte[] IdleClose = WebSocketFrameEncoder.Close(WebSocketCloseCodes.GoingAway, "idle timeout");
    private static readonly byte[] ExpiredClose = WebSocketFrameEncoder.Close(WebSocketCloseCodes.PolicyViolation, "token expired");

    private readonly ChatOptions _options;
    private readonly ChatMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Outbox _outbox;
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastReceived = Environment.TickCount64;
    private long _lastPing;
    private volatile bool _slowConsumer;

    /// <summary>A connection of <paramref name="user"/>; <paramref name="identity"/> is its token's identity (whose
    /// name is <paramref name="user"/>), null when authentication is off.</summary>
    public ChatConnection(long id, string user, UserIdentity? identity, ChatOptions options, ChatMetrics metrics, ILogger logger)
    {
        Id = id;
        User = user;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _outbox = new Outbox(options.SendQueueCapacity, options.MaxWriteBytes);
        Session = new ChatSession(this, options, identity);
    }

    public long Id { get; }

    /// <summary>The user name every message of this connection carries as <c>sender</c>.</summary>
    public string User { get; }

    /// <summary>The client's state in the chat (rooms, rate limit), handed to the chat with each request.</summary>
    public ChatSession Session { get; }

    /// <summary>Whether a close frame was queued: nothing more will be sent or handled.</summary>
    public bool IsClosing => _closing.Task.IsCompleted;

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

    /// <summary>Runs the idle send loop on this thread after <see cref="SendDeferred"/> returned true.</summary>
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
            // Often called under a room's lock: count here, but log from the connection's own task (RunAsync).
            _metrics.SlowConsumerClosed();
            _slowConsumer = true;
            _closing.TrySetResult();
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
    /// Serves the connection on its upgraded stream until it closes. <paramref name="stopping"/> (host shutdown)
    /// closes it with 1001; <paramref name="abortTransport"/> drops the TCP connection when the close handshake does
    /// not finish in time.
    /// </summary>
    public async Task RunAsync(Stream stream, ChatRequestHandler handler, Action abortTransport, CancellationToken stopping, CancellationToken aborted)
    {
        using var loops = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        await using var onStopping = stopping.UnsafeRegister(static state => ((ChatConnection)state!).Close(ShutdownClose), this);
        var send = _outbox.RunAsync(stream, loops.Token);
        var receive = ReceiveLoopAsync(stream, handler, loops.Token);
        try
        {
            var first = await Task.WhenAny(send, receive, _closing.Task);
            if (_slowConsumer)
            {
                ConnectionLog.SlowConsumer(_logger, Id);
            }

            if (first == receive)
            {
                if (receive.IsFaulted)
                {
                    // A bug while handling a frame (logged below): tell the client, end this connection only.
                    Close(WebSocketCloseCodes.InternalError, "internal error");
                }

                // The peer closed or broke the protocol: let the reply (close frame) go out, then end.
                _outbox.Complete();
            }

            if (!send.IsFaulted && !send.IsCanceled)
            {
                var rest = first == receive ? send : Task.WhenAll(send, receive);
                var timeout = stopping.IsCancellationRequested && _options.ShutdownTimeout < _options.CloseTimeout
                    ? _options.ShutdownTimeout
                    : _options.CloseTimeout;
                await rest.WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!rest.IsCompleted)
                {
                    ConnectionLog.CloseTimedOut(_logger, Id);
                }
            }
        }
        finally
        {
            await loops.CancelAsync();
            if (!send.IsCompleted || !receive.IsCompleted)
            {
                abortTransport();
            }

            await ObserveAsync(send);
            await ObserveAsync(receive);
        }
    }

    private bool Close(byte[] closeFrame)
    {
        if (_outbox.TryEnqueueLast(closeFrame, discardPending: false))
        {
            _closing.TrySetResult();
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

    private async Task ReceiveLoopAsync(Stream stream, ChatRequestHandler handler, CancellationToken cancellationToken)
    {
        using var reader = new WebSocketReader(stream, _options.MaxMessageBytes);
        while (true)
        {
            WebSocketReadResult frame;
            try
            {
                await reader.WaitForDataAsync(cancellationToken);
                frame = await reader.ReadAsync(cancellationToken);
            }
            catch (WebSocketProtocolException ex)
            {
                // Expected from misbehaving clients: answer with the close code, then read on (skipping frames) until
                // the peer's close or hang-up, so that its unread bytes do not turn our close frame into a TCP reset
                // and a well-behaved peer is not kept waiting for the close timeout.
                ConnectionLog.ProtocolViolation(_logger, Id, ex.CloseCode, ex.Message);
                Close(ex.CloseCode, ex.Message);
                await reader.SkipToCloseAsync(cancellationToken);
                return;
            }

            Volatile.Write(ref _lastReceived, Environment.TickCount64);
            switch (frame.Kind)
            {
                case WebSocketReadKind.Text when !IsClosing && !CloseIfExpired(DateTimeOffset.UtcNow):
                    await handler.HandleAsync(Session, frame.Payload, cancellationToken);
                    break;
                case WebSocketReadKind.Ping:
                    Send(WebSocketFrameEncoder.Frame(WebSocketOpcode.Pong, frame.Payload.Span));
                    break;
                case WebSocketReadKind.Close:
                    // Echo the peer's code; when we closed first this is its answer and nothing more is sent.
                    Close(frame.CloseCode == WebSocketCloseCodes.NoStatusReceived
                        ? WebSocketFrameEncoder.Close(WebSocketCloseCodes.NormalClosure, string.Empty)
                        : WebSocketFrameEncoder.Close(frame.CloseCode, string.Empty));
                    return;
                case WebSocketReadKind.EndOfStream:
                    return;
                default:
                    // A pong, or text after our close frame: only the activity counts.
                    break;
            }
        }
    }

    private async Task ObserveAsync(Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // The loops are cancelled when the other one ends or the request is aborted.
        }
        catch (IOException)
        {
            // The peer reset or dropped the TCP connection.
        }
        catch (Exception ex)
        {
            ConnectionLog.Failed(_logger, Id, ex);
        }
    }
}
