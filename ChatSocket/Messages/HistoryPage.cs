namespace ChatSocket.Messages;

/// <summary>Messages of one room, oldest first, and whether older ones exist beyond the page.</summary>
internal sealed record HistoryPage(IReadOnlyList<ChatMessage> Messages, bool HasMore)
{
    public static HistoryPage Empty { get; } = new([], false);
}
