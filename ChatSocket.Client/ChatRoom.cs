using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ChatSocket.Client.Protocol;

namespace ChatSocket.Client;

/// <summary>
/// A joined room. <see cref="Messages"/> yields each of its messages once, in the room's order (by id), across
/// reconnects: after a reconnect the client joins again with <c>since</c> = the last message buffered and skips what
/// it already has.
/// </summary>
/// <remarks>
/// Buffering: at most <see cref="ChatClientOptions.RoomBufferCapacity"/> messages wait for the reader. When the
/// buffer is full the room falls <em>behind</em>: further messages of this room are not kept (the socket is still
/// read, so acks and other rooms go on), and once the reader has taken half of the buffer the client joins again
/// with <c>since</c> = the last buffered id and the server replays what was skipped. Memory stays bounded, no message
/// is lost or repeated; the price is a replay from the server.
/// </remarks>
public sealed class ChatRoom : IAsyncDisposable
{
    /// <summary>The least ObjectId: resuming "after" it asks for the whole room.</summary>
    private const string BeforeEverything = "000000000000000000000000";

    private readonly ChatClient _client;
    private readonly Channel<ChatMessage> _buffer;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _lastId;
    private bool _answered;
    private int _readyOn;
    private int _joinSentOn;
    private bool _catchingUp;
    private bool _behind;
    private int _joinFailures;
    private int _reading;

    internal ChatRoom(ChatClient client, string roomId, string? since, int capacity)
    {
        _client = client;
        RoomId = roomId;
        _lastId = since;
        _answered = since is not null;
        _capacity = capacity;
        _buffer = Channel.CreateBounded<ChatMessage>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
    }

    public string RoomId { get; }

    /// <summary>The id of the newest message buffered for <see cref="Messages"/> (or the <c>since</c> given to
    /// <see cref="ChatClient.JoinAsync"/>); what a resume starts after.</summary>
    public string? LastMessageId
    {
        get
        {
            lock (_gate)
            {
                return _lastId;
            }
        }
    }

    internal Task Joined => _joined.Task;

    /// <summary>
    /// The room's messages, oldest first, each once. One reader at a time. Ends when the room is left or the client
    /// disposed; throws the client's stop reason (e.g. <see cref="ChatConnectionException"/> after a 1008 close), or
    /// <see cref="ChatServerException"/> when the server refused the room for good.
    /// </summary>
    public async IAsyncEnumerable<ChatMessage> Messages([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("Messages of a room can be read by one reader at a time");
        }

        try
        {
            var reader = _buffer.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var message))
                {
                    if (TryStartResync())
                    {
                        await _client.ResyncAsync(this, cancellationToken);
                    }

                    yield return message;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>Sends to this room; see <see cref="ChatClient.SendAsync"/>.</summary>
    public Task<string> SendAsync(string content, CancellationToken cancellationToken = default) =>
        _client.SendAsync(RoomId, content, cancellationToken);

    /// <summary>Leaves the room (a <c>leave</c> frame when connected) and ends <see cref="Messages"/>.</summary>
    public ValueTask DisposeAsync() => _client.LeaveAsync(this);

    internal bool IsReadyOn(int generation)
    {
        lock (_gate)
        {
            return _readyOn == generation;
        }
    }

    /// <summary>The join frame for connection <paramref name="generation"/>, or null when one was sent there already
    /// and <paramref name="again"/> is false. Messages are ignored from here until its history arrives: the history
    /// holds them, in order.</summary>
    internal (byte[] Frame, bool Resume)? PrepareJoin(int generation, bool again)
    {
        lock (_gate)
        {
            if (_joinSentOn == generation && !again)
            {
                return null;
            }

            _joinSentOn = generation;
            _catchingUp = true;
            _behind = false;
            if (!_answered)
            {
                return (ClientFrames.Join(RoomId, since: null, history: null), false);
            }

            // Ask for no more than fits: the rest comes with has_more.
            var free = Math.Clamp(_capacity - _buffer.Reader.Count, 0, ClientFrames.MaxHistory);
            return (ClientFrames.Join(RoomId, _lastId ?? BeforeEverything, free), true);
        }
    }

    /// <summary>A history answering this room's join on connection <paramref name="generation"/>; true when more
    /// must be fetched (join again with <c>since</c>).</summary>
    internal bool OnHistory(IReadOnlyList<ChatMessage> messages, bool hasMore, bool resume, int generation)
    {
        lock (_gate)
        {
            _readyOn = generation;
            _answered = true;
            _joinFailures = 0;
            foreach (var message in messages)
            {
                if (!TryBufferLocked(message))
                {
                    break;
                }
            }

            _joined.TrySetResult();
            if (_behind)
            {
                _catchingUp = false;
                return false;
            }

            // has_more of a join without since means older messages exist, which this stream does not want.
            if (resume && hasMore)
            {
                if (_buffer.Reader.Count >= _capacity)
                {
                    _behind = true;
                    _catchingUp = false;
                    return false;
                }

                return true;
            }

            _catchingUp = false;
            return false;
        }
    }

    internal void OnMessage(ChatMessage message, int generation)
    {
        lock (_gate)
        {
            if (_readyOn == generation && !_catchingUp && !_behind)
            {
                TryBufferLocked(message);
            }
        }
    }

    /// <summary>A join refused: a transient code gives the delay before the next try, anything else ends the room.</summary>
    internal TimeSpan? OnJoinRefused(string code, string message, ChatReconnectPolicy policy)
    {
        TimeSpan delay;
        string? lastId;
        lock (_gate)
        {
            _catchingUp = false;
            if (!ChatErrorCodes.IsTransient(code))
            {
                var error = ChatServerException.For(code, message);
                _joined.TrySetException(error);
                _buffer.Writer.TryComplete(error);
                return null;
            }

            delay = policy.DelayFor(_joinFailures++);
            lastId = _lastId;
        }

        _client.RaiseReplayIncomplete(new ReplayIncompleteEventArgs(RoomId, lastId, code, delay));
        return delay;
    }

    /// <summary>Ends the stream: normally (left, disposed) or with the client's stop reason.</summary>
    internal void Complete(Exception? error)
    {
        // Cancelled rather than faulted when left: nobody may be waiting, and a faulted task nobody observes is noise.
        if (error is null)
        {
            _joined.TrySetCanceled();
        }
        else
        {
            _joined.TrySetException(error);
        }

        _buffer.Writer.TryComplete(error);
    }

    // The reader has drained half of a full buffer: time to fetch what was skipped. Flags flip together, so a live
    // message cannot slip in before the replay and leave a hole.
    private bool TryStartResync()
    {
        lock (_gate)
        {
            if (!_behind || _buffer.Reader.Count > _capacity / 2)
            {
                return false;
            }

            _behind = false;
            _catchingUp = true;
            return true;
        }
    }

    private bool TryBufferLocked(ChatMessage message)
    {
        if (_lastId is not null && string.CompareOrdinal(message.Id, _lastId) <= 0)
        {
            // Already buffered (a replay overlaps what the stream has): skip, keep going.
            return true;
        }

        if (!_buffer.Writer.TryWrite(message))
        {
            _behind = true;
            return false;
        }

        _lastId = message.Id;
        return true;
    }
}
