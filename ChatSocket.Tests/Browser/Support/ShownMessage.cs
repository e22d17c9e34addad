namespace ChatSocket.Tests.Browser.Support;

/// <summary>A chat message as the page shows it: what a person reads, plus the id the page keeps on it.</summary>
internal sealed record ShownMessage(string Id, string Sender, string Content, string Time);
