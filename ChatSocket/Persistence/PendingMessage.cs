using ChatSocket.Messages;

namespace ChatSocket.Persistence;

/// <summary>
/// A message accepted by a room and handed to the writer. It remembers who waits for its ack, so a resend that
/// arrives before the original is durable is acked together with it.
/// </summary>
internal sealed class PendingMessage(ChatMessage message)
{
    private readonly Lock _gate = new();
    private IAckTarget? _firstTarget;
    private List<IAckTarget>? _moreTargets;
    private InsertOutcome? _outcome;

    public ChatMessage Message { get; } = message;

    /// <summary>True for a message another node accepted (through the backplane): that node stores it, so this one
    /// treats it as settled; a resend of it here must still ask the database (<see cref="ForAnotherNode"/>).</summary>
    public bool IsOtherNodes { get; private init; }

    /// <summary>A message another node accepted and stores: settled here at once, so a ring may evict it like a
    /// stored one.</summary>
    public static PendingMessage ForAnotherNode(ChatMessage message)
    {
        var pending = new PendingMessage(message) { IsOtherNodes = true };
        pending.Complete(new InsertOutcome(true, message.Id, null));
        return pending;
    }

    /// <summary>True once the writer has finished with it, stored or refused for good.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _outcome is not null;
            }
        }
    }

    /// <summary>Asks for <see cref="IAckTarget.OnStored"/>; answered at once when the outcome is already known.</summary>
    public void AddAckTarget(IAckTarget target)
    {
        InsertOutcome outcome;
        lock (_gate)
        {
            if (_outcome is null)
            {
                if (_firstTarget is null)
                {
                    _firstTarget = target;
                }
                else
                {
                    // Bounded by the senders' rate limits: one entry per resend of the same message.
                    (_moreTargets ??= []).Add(target);
                }

                return;
            }

            outcome = _outcome.Value;
        }

        target.OnStored(this, outcome);
    }

    /// <summary>Records the writer's outcome and tells every target; later calls are ignored. Returns how many
    /// targets were told.</summary>
    public int Complete(InsertOutcome outcome)
    {
        IAckTarget? first;
        List<IAckTarget>? more;
        lock (_gate)
        {
            if (_outcome is not null)
            {
                return 0;
            }

            _outcome = outcome;
            first = _firstTarget;
            more = _moreTargets;
            _firstTarget = null;
            _moreTargets = null;
        }

        first?.OnStored(this, outcome);
        if (more is not null)
        {
            foreach (var target in more)
            {
                target.OnStored(this, outcome);
            }
        }

        return (first is null ? 0 : 1) + (more?.Count ?? 0);
    }
}
