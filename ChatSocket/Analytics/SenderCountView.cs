namespace ChatSocket.Analytics;

/// <summary>A sender and how many messages it sent in the range.</summary>
internal sealed record SenderCountView(string Sender, long Messages);
