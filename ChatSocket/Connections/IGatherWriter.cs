namespace ChatSocket.Connections;

/// <summary>A connection's stream that writes several queued frames in one call without copying them together
/// (<see cref="Outbox"/> uses it when its stream has it).</summary>
internal interface IGatherWriter
{
    /// <summary>Writes every frame, in order; completes when all of them are handed to the operating system.</summary>
    ValueTask WriteAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken);
}
