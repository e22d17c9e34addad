namespace ChatSocket.Analytics;

/// <summary>One time bucket: its start (UTC), messages and distinct senders in it.</summary>
internal sealed record BucketView(string Start, long Messages, long ActiveSenders);
