using ChatSocket.Messages;
using ChatSocket.Protocol;

namespace ChatSocket.Rooms;

/// <summary>
/// The last <c>history</c> frame a room encoded for a join, given again to the next joiner whose page holds the same
/// messages: in a join storm every joiner asks for the same newest messages, and encoding them once per joiner was
/// most of a join's cost. Frames are immutable once encoded (<see cref="ServerFrames"/>), so the bytes can be shared.
/// Not thread-safe: the room calls it under its lock. Holds one frame, dropped with the room.
/// </summary>
internal sealed class JoinHistoryFrame(string roomId)
{
    private IReadOnlyList<ChatMessage>? _messages;
    private bool _hasMore;
    private bool? _recovered;
    private byte[]? _frame;

    /// <summary>The encoded <c>history</c> frame of <paramref name="page"/>.</summary>
    public byte[] For(HistoryPage page, bool? recovered)
    {
        if (_frame is null || _hasMore != page.HasMore || _recovered != recovered || !SameMessages(_messages!, page.Messages))
        {
            _frame = ServerFrames.History(roomId, page, recovered);
            _messages = page.Messages;
            _hasMore = page.HasMore;
            _recovered = recovered;
        }

        return _frame;
    }

    // Messages are immutable and their ids unique, so equal ids in the same order are the same page.
    private static bool SameMessages(IReadOnlyList<ChatMessage> cached, IReadOnlyList<ChatMessage> page)
    {
        if (ReferenceEquals(cached, page))
        {
            return true;
        }

        if (cached.Count != page.Count)
        {
            return false;
        }

        for (var i = 0; i < page.Count; i++)
        {
            if (cached[i].Id != page[i].Id)
            {
                return false;
            }
        }

        return true;
    }
}
