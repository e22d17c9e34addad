using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace ChatSocket.Persistence;

/// <summary>
/// The bounded queue between the rooms and the writer. Full policy: the sender waits up to
/// <see cref="PersistenceOptions.EnqueueTimeout"/>, then the message is rejected as <c>overloaded</c>.
/// </summary>
internal sealed class MessageQueue : IMessageSink
{
    private readonly Channel<PendingMessage> _channel;
    private readonly int _capacity;

    public MessageQueue(IOptions<PersistenceOptions> options)
    {
        _capacity = options.Value.QueueCapacity;
        _channel = Channel.CreateBounded<PendingMessage>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Messages waiting for the writer.</summary>
    public int Count => _channel.Reader.Count;

    public bool HasRoom => _channel.Reader.Count < _capacity;

    public ChannelReader<PendingMessage> Reader => _channel.Reader;

    /// <summary>Adds without waiting; false when the queue is full or closed.</summary>
    public bool TryAdd(PendingMessage message) => _channel.Writer.TryWrite(message);

    /// <summary>Waits until there may be room, at most <paramref name="timeout"/>; false on timeout or when the
    /// queue is closed for shutdown.</summary>
    public async Task<bool> WaitForRoomAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await _channel.Writer.WaitToWriteAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline passed: the caller answers "overloaded".
            return false;
        }
    }

    public void AckWhenStored(PendingMessage message, IAckTarget target) => message.AddAckTarget(target);

    /// <summary>Closes the queue for shutdown: no more messages are accepted, the writer drains the rest.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
