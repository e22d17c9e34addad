namespace ChatSocket.Client;

/// <summary><see cref="ChatClientOptions.OutgoingCapacity"/> messages are already waiting for their ack (the
/// server is slow or unreachable): this one was not queued. Send it again later.</summary>
public sealed class ChatOutgoingBufferFullException(int capacity)
    : ChatException($"{capacity} messages are already waiting for their ack; this one was not sent")
{
    public int Capacity { get; } = capacity;
}
