namespace ChatSocket.Persistence;

/// <summary>Messages and distinct senders in one time bucket starting at <paramref name="Start"/> (UTC).</summary>
internal sealed record ActivityBucket(DateTime Start, long Messages, long ActiveSenders);
