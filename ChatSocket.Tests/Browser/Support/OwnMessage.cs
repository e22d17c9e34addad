namespace ChatSocket.Tests.Browser.Support;

/// <summary>A message this page sent, as shown: its delivery state (pending, sent, failed), the label a person reads,
/// and the server's id once the server's copy replaced the pending one (empty before).</summary>
internal sealed record OwnMessage(string Content, string Delivery, string Id, string Label);
