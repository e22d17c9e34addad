using ChatSocket.LoadTest.Client;
using ChatSocket.LoadTest.Metrics;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Protocol;

namespace ChatSocket.LoadTest.Runner;

/// <summary>
/// One simulated user: its connection, its room, what it has received from each sender of its room and, if it sends,
/// its message composer and sequence. Frames are handled on the connection's receive loop; counters are written only
/// there (or, for the send side, only by the scheduler) and read by others with <see cref="Volatile"/>.
/// </summary>
internal sealed class LoadClient : IFrameHandler
{
    private readonly RunState _state;
    private readonly SenderStream[]? _streams;
    private readonly int _senderBase;
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _history = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MessageComposer? _composer;
    private long _deliveries;
    private long _acks;
    private long _errors;
    private long _misrouted;
    private long _sent;
    private uint _nextSequence;

    /// <summary>Creates client <paramref name="index"/> of room <paramref name="room"/>; <paramref name="senderId"/> is its
    /// global sender number, or -1 when it only listens.</summary>
    public LoadClient(RunState state, int index, int room, int senderId, bool trackDeliveries)
    {
        _state = state;
        Index = index;
        Room = room;
        SenderId = senderId;
        _senderBase = room * state.Options.SendersPerRoom;
        if (trackDeliveries)
        {
            _streams = new SenderStream[state.Options.SendersPerRoom];
            for (var i = 0; i < _streams.Length; i++)
            {
                _streams[i] = new SenderStream();
            }
        }
    }

    /// <summary>Number of this client in the run.</summary>
    public int Index { get; }

    /// <summary>Its room's number.</summary>
    public int Room { get; }

    /// <summary>Global sender number, or -1.</summary>
    public int SenderId { get; }

    /// <summary>Its user name.</summary>
    public string User => "u" + Index;

    /// <summary>The open connection (set once connected).</summary>
    public WsConnection? Connection { get; set; }

    /// <summary>The connection's loops; completes with the reason it ended.</summary>
    public Task<string>? Loop { get; set; }

    /// <summary>Set when the run gave up on this client (its join was not confirmed), so its closing is not a drop.</summary>
    public bool Abandoned { get; set; }

    /// <summary>Stopwatch time the join (or connect) started, and when joined/history arrived (0 if not yet).</summary>
    public long JoinStartedTicks { get; set; }

    /// <summary>When the joined frame arrived.</summary>
    public long JoinedTicks { get; private set; }

    /// <summary>When the history frame arrived.</summary>
    public long HistoryTicks { get; private set; }

    /// <summary>Messages in the history frame.</summary>
    public int HistoryCount { get; private set; }

    /// <summary>Completes when the server confirms the join.</summary>
    public Task Joined => _joined.Task;

    /// <summary>Completes when the history frame arrives.</summary>
    public Task History => _history.Task;

    /// <summary>Distinct deliveries received.</summary>
    public long DeliveriesReceived => Volatile.Read(ref _deliveries);

    /// <summary>Acks received.</summary>
    public long AcksReceived => Volatile.Read(ref _acks);

    /// <summary>Error frames received.</summary>
    public long ErrorFrames => Volatile.Read(ref _errors);

    /// <summary>Deliveries from a sender outside this client's room.</summary>
    public long Misrouted => Volatile.Read(ref _misrouted);

    /// <summary>Messages handed to the connection.</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Duplicate deliveries (read after the run).</summary>
    public long Duplicates => _streams?.Sum(s => s.Duplicates) ?? 0;

    /// <summary>Out-of-order deliveries (read after the run).</summary>
    public long OutOfOrder => _streams?.Sum(s => s.OutOfOrder) ?? 0;

    /// <summary>Sends the next message stamped with <paramref name="sendTicks"/> (when it is handed to the connection); false when the connection's
    /// send backlog is full or it is closed.</summary>
    public bool SendNext(long sendTicks)
    {
        var connection = Connection;
        if (connection is null || SenderId < 0)
        {
            return false;
        }

        _composer ??= new MessageComposer(_state.Options.Protocol, _state.RoomName(Room), _state.Options.Size);
        var payload = _composer.Compose(SenderId, _nextSequence, sendTicks);
        if (!connection.TrySendText(payload))
        {
            return false;
        }

        _nextSequence++;
        Volatile.Write(ref _sent, _sent + 1);
        return true;
    }

    /// <inheritdoc />
    public void OnText(ReadOnlySpan<byte> payload, long receivedTicks)
    {
        if (_state.Options.Protocol == WireProtocol.Raw)
        {
            // Raw peers send nothing but the broadcast frames: look for the marker once.
            OnDelivery(payload, receivedTicks);
            return;
        }

        switch (ServerFrames.Classify(payload, _state.Options.Protocol))
        {
            case ServerFrameKind.Delivery:
                OnDelivery(payload, receivedTicks);
                break;
            case ServerFrameKind.Ack:
                if (ServerFrames.TryReadAck(payload, out _, out _, out var sentTicks))
                {
                    Volatile.Write(ref _acks, _acks + 1);
                    _state.Acks.Record((receivedTicks - sentTicks) / RunState.TicksPerMicro);
                }

                break;
            case ServerFrameKind.Joined:
                JoinedTicks = receivedTicks;
                _joined.TrySetResult();
                break;
            case ServerFrameKind.History:
                HistoryCount = ServerFrames.CountHistoryMessages(payload);
                HistoryTicks = receivedTicks;
                _history.TrySetResult();
                break;
            case ServerFrameKind.Error:
                Volatile.Write(ref _errors, _errors + 1);
                _state.NoteError("error frame: " + ServerFrames.ErrorCode(payload));
                break;
            case ServerFrameKind.Other:
                break;
        }
    }

    /// <summary>Marks the waits for joined/history as failed once the connection has ended.</summary>
    public void ConnectionEnded()
    {
        _joined.TrySetCanceled();
        _history.TrySetCanceled();
    }

    private void OnDelivery(ReadOnlySpan<byte> payload, long receivedTicks)
    {
        if (_streams is null || !PayloadMarker.TryFind(payload, out var sender, out var sequence, out var sentTicks))
        {
            return;
        }

        var local = sender - _senderBase;
        if ((uint)local >= (uint)_streams.Length)
        {
            Volatile.Write(ref _misrouted, _misrouted + 1);
            return;
        }

        if (_streams[local].Observe(sequence))
        {
            Volatile.Write(ref _deliveries, _deliveries + 1);
            _state.Deliveries.Record((receivedTicks - sentTicks) / RunState.TicksPerMicro);
        }
    }
}
