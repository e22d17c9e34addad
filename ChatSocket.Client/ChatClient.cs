using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using ChatSocket.Client.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatSocket.Client;

/// <summary>
/// A connection to a ChatSocket server (protocol v1) that survives reconnects: rooms resume without gap or
/// duplicate, and <see cref="SendAsync"/> returns only once the server has stored the message (its <c>ack</c>).
/// Thread-safe. Dispose it to close the connection.
/// </summary>
public sealed partial class ChatClient : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly Uri[] _endpoints;
    private int _endpoint;
    private readonly ChatClientOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, ChatRoom> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OutgoingMessage> _pending = new(StringComparer.Ordinal);
    private readonly Lock _joinsGate = new();
    private readonly List<(ChatRoom Room, bool Resume)> _joinsInFlight = [];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly OwnedTasks _background = new();
    private readonly Lock _stateGate = new();
    private ChatConnectionState _state = ChatConnectionState.Connected;
    private volatile Exception? _stopReason;
    private Task _run = Task.CompletedTask;
    private ClientWebSocket? _socket;
    private int _generation;
    private long _sequence;
    private int _pendingCount;
    private int _disposed;
    private volatile bool _closing;

    private ChatClient(Uri uri, ChatClientOptions options)
    {
        _endpoints = [uri, .. options.FailoverEndpoints];
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
    }

    // The address the next connection attempt goes to.
    private Uri CurrentEndpoint => _endpoints[Volatile.Read(ref _endpoint)];

    public ChatConnectionState State
    {
        get
        {
            lock (_stateGate)
            {
                return _state;
            }
        }
    }

    /// <summary>Raised on the client's connection loop when <see cref="State"/> changes; keep handlers short.</summary>
    public event EventHandler<ChatConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Raised (on the client's receive loop: keep handlers short) when a room's join or resume was refused
    /// (<c>unavailable</c> while the server's database is down, <c>rate_limited</c>): the room's stream is missing
    /// what was said after <see cref="ReplayIncompleteEventArgs.LastMessageId"/> until the retry it announces
    /// succeeds, which then delivers those messages in order.</summary>
    public event EventHandler<ReplayIncompleteEventArgs>? ReplayIncomplete;

    /// <summary>Completes when the client has stopped: successfully after <see cref="DisposeAsync"/>, faulted with a
    /// <see cref="ChatConnectionException"/> when the server closed with 1008 (or another code that forbids
    /// reconnecting), refused the upgrade for good, or the reconnect policy ran out of attempts.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Messages sent and not acked yet.</summary>
    public int PendingSends => Volatile.Read(ref _pendingCount);

    /// <summary>
    /// Connects once (throwing <see cref="ChatConnectionException"/> if that fails, so a wrong URL or a refused
    /// upgrade shows at once), then keeps the connection up in the background until disposed.
    /// </summary>
    public static async Task<ChatClient> ConnectAsync(Uri uri, ChatClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var client = new ChatClient(uri, options);
        var socket = await client.OpenAsync(cancellationToken);
        client._run = client.RunAsync(socket, client._stopping.Token);
        return client;
    }

    /// <summary>
    /// Joins <paramref name="roomId"/> and returns once the server answered (a transient refusal such as
    /// <c>unavailable</c> is retried until <paramref name="cancellationToken"/> says stop). Without
    /// <paramref name="since"/> the stream starts with the server's recent history (50 by default); with it, with
    /// every message after that id, following <c>has_more</c>. One <see cref="ChatRoom"/> per room and client.
    /// </summary>
    public async Task<ChatRoom> JoinAsync(string roomId, string? since = null, CancellationToken cancellationToken = default)
    {
        ThrowIfStopped();
        if (!IsRoomId(roomId))
        {
            throw new ArgumentException("a room id is 1-64 characters of A-Z a-z 0-9 _ . : -", nameof(roomId));
        }

        if (since is not null && !IsMessageId(since))
        {
            throw new ArgumentException("since must be a message id (24 hex digits)", nameof(since));
        }

        var room = new ChatRoom(this, roomId, since?.ToLowerInvariant(), _options.RoomBufferCapacity);
        if (!_rooms.TryAdd(roomId, room))
        {
            throw new InvalidOperationException($"room {roomId} is joined already; dispose its ChatRoom first");
        }

        if (_stopReason is { } stopped)
        {
            // Stopped while this was being added: Stop did not see the room.
            ForgetRoom(room, stopped);
            throw stopped;
        }

        try
        {
            await SendJoinAsync(room, generation: null, again: false, cancellationToken);
            await room.Joined.WaitAsync(cancellationToken);
            return room;
        }
        catch
        {
            await LeaveAsync(room);
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="content"/> to a joined room and returns the id the server stored it under, once it is
    /// durable (the <c>ack</c>). The message gets a fresh <c>client_msg_id</c> and is kept until acked: after a
    /// reconnect it is sent again with the same id, and the server acks a resend with the original id without storing
    /// it twice. <c>unavailable</c>, <c>overloaded</c> and <c>rate_limited</c> are retried with backoff up to
    /// <see cref="ChatClientOptions.MaxSendAttempts"/> tries.
    /// </summary>
    /// <exception cref="ChatOutgoingBufferFullException"><see cref="ChatClientOptions.OutgoingCapacity"/> messages
    /// already wait for their ack: nothing was queued.</exception>
    /// <exception cref="ChatServerException">The server refused it (<c>bad_request</c>, <c>store_failed</c>, a
    /// transient code after the last try); <see cref="ChatDuplicateClientMsgIdException"/> for
    /// <c>duplicate_client_msg_id</c>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled. If the message was written already it may still be
    /// stored; it is no longer resent.</exception>
    public async Task<string> SendAsync(string roomId, string content, CancellationToken cancellationToken = default)
    {
        ThrowIfStopped();
        ArgumentException.ThrowIfNullOrEmpty(content);
        if (!_rooms.ContainsKey(roomId))
        {
            throw new InvalidOperationException($"join room {roomId} before sending to it");
        }

        var clientMsgId = Guid.NewGuid().ToString("D");
        var frame = ClientFrames.Send(roomId, content, clientMsgId);
        if (frame.Length > _options.MaxFrameBytes)
        {
            throw new ArgumentException($"the message encodes to {frame.Length} bytes, over MaxFrameBytes ({_options.MaxFrameBytes})", nameof(content));
        }

        if (Interlocked.Increment(ref _pendingCount) > _options.OutgoingCapacity)
        {
            Interlocked.Decrement(ref _pendingCount);
            throw new ChatOutgoingBufferFullException(_options.OutgoingCapacity);
        }

        var message = new OutgoingMessage(roomId, clientMsgId, frame, Interlocked.Increment(ref _sequence));
        _pending[clientMsgId] = message;
        try
        {
            for (var refusals = 0; ; )
            {
                var answer = message.Arm();
                if (_stopReason is { } stopped)
                {
                    throw stopped;
                }

                await FlushAsync(roomId, cancellationToken);
                var outcome = await answer.WaitAsync(cancellationToken);
                if (outcome.Id is { } id)
                {
                    return id;
                }

                if (outcome.Failure is { } failure)
                {
                    throw failure;
                }

                if (!ChatErrorCodes.IsTransient(outcome.Code!) || ++refusals >= _options.MaxSendAttempts)
                {
                    throw ChatServerException.For(outcome.Code!, outcome.Message ?? "");
                }

                await Task.Delay(_options.Reconnect.DelayFor(refusals - 1), cancellationToken);
            }
        }
        finally
        {
            _pending.TryRemove(clientMsgId, out _);
            Interlocked.Decrement(ref _pendingCount);
        }
    }

    /// <summary>Closes the connection (close 1000, waiting briefly for the server's answer), ends every room's
    /// stream and fails every send still waiting for its ack.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            await _run;
            return;
        }

        _closing = true;
        using (var timeout = new CancellationTokenSource(CloseTimeout))
        {
            try
            {
                var closeSent = false;
                await _writeLock.WaitAsync(timeout.Token);
                try
                {
                    if (_socket is { State: WebSocketState.Open } socket)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                        closeSent = true;
                    }
                }
                finally
                {
                    _writeLock.Release();
                }

                if (closeSent)
                {
                    // The receive loop ends when the server answers the close.
                    await _run.WaitAsync(timeout.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                // No answer in time or the connection was already gone: abort below.
            }
        }

        await _stopping.CancelAsync();
        await _run;
        await _background.WhenAllAsync();

        // _stopping is not disposed: a room's reader may still ask for its token after this (it then finds the
        // client stopped), and a CancellationTokenSource without a timer holds nothing that needs disposing.
    }

    internal void OnHandlerFailed(Exception error) => ClientLog.HandlerFailed(_logger, error);

    internal void RaiseReplayIncomplete(ReplayIncompleteEventArgs args)
    {
        try
        {
            ReplayIncomplete?.Invoke(this, args);
        }
#pragma warning disable CA1031 // An application handler's bug must not end the client's receive loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OnHandlerFailed(ex);
        }
    }

    /// <summary>Called by a room's reader that drained a room that fell behind: fetch what was skipped.</summary>
    internal Task ResyncAsync(ChatRoom room, CancellationToken cancellationToken) =>
        SendJoinAsync(room, generation: null, again: true, cancellationToken, onlyIfReady: true);

    internal async ValueTask LeaveAsync(ChatRoom room)
    {
        if (!IsCurrent(room))
        {
            return;
        }

        ForgetRoom(room, null);
        try
        {
            await _writeLock.WaitAsync(_stopping.Token);
            try
            {
                if (_socket is { State: WebSocketState.Open } socket)
                {
                    await socket.SendAsync(ClientFrames.Leave(room.RoomId), WebSocketMessageType.Text, true, _stopping.Token);
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Disconnected or disposing: the server forgets the membership with the connection anyway.
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex RoomIdPattern();

    [GeneratedRegex("^[0-9a-fA-F]{24}$")]
    private static partial Regex MessageIdPattern();

    private static bool IsRoomId(string? roomId) => roomId is not null && RoomIdPattern().IsMatch(roomId);

    private static bool IsMessageId(string id) => MessageIdPattern().IsMatch(id);

    private void ThrowIfStopped()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_stopReason is { } reason)
        {
            throw reason;
        }
    }
}
