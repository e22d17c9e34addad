namespace ChatSocket.Client;

/// <summary>
/// A message kept from <see cref="ChatClient.SendAsync"/> until its ack: written at most once per connection
/// (<see cref="TryMarkWritten"/>), written again on the next connection if no ack came, held back while a transient
/// refusal's backoff runs. Its <c>client_msg_id</c> never changes, so every resend is the same message to the server.
/// </summary>
internal sealed class OutgoingMessage(string roomId, string clientMsgId, byte[] frame, long sequence)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<SendOutcome> _outcome = NewOutcome();
    private int _writtenOn;
    private bool _held;

    public string RoomId { get; } = roomId;

    public string ClientMsgId { get; } = clientMsgId;

    public byte[] Frame { get; } = frame;

    /// <summary>Order of <see cref="ChatClient.SendAsync"/> calls: resends keep it.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Starts a try: the answer to the next write completes the returned task.</summary>
    public Task<SendOutcome> Arm()
    {
        lock (_gate)
        {
            _outcome = NewOutcome();
            _held = false;
            _writtenOn = 0;
            return _outcome.Task;
        }
    }

    /// <summary>True when the caller should write it on connection <paramref name="generation"/>: not yet written
    /// there, and not waiting out a backoff.</summary>
    public bool TryMarkWritten(int generation)
    {
        lock (_gate)
        {
            if (_held || _writtenOn == generation)
            {
                return false;
            }

            _writtenOn = generation;
            return true;
        }
    }

    /// <summary>A transient refusal: held back (not resent by a reconnect) until the sender's backoff re-arms it.</summary>
    public void Refuse(SendOutcome outcome)
    {
        lock (_gate)
        {
            _held = true;
            _outcome.TrySetResult(outcome);
        }
    }

    public void Complete(SendOutcome outcome)
    {
        lock (_gate)
        {
            _outcome.TrySetResult(outcome);
        }
    }

    private static TaskCompletionSource<SendOutcome> NewOutcome() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
