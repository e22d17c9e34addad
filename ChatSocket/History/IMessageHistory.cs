using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.History;

/// <summary>
/// Read side of a room's message history: the in-memory rings in front of the archive (MongoDB), see
/// <see cref="MessageHistory"/>.
/// </summary>
internal interface IMessageHistory
{
    /// <summary>The newest <paramref name="limit"/> messages of a room, oldest first.</summary>
    Task<HistoryPage> GetRecentAsync(string roomId, int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> messages older than <paramref name="beforeId"/>, oldest first.</summary>
    Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> messages newer than <paramref name="afterId"/> (and older than
    /// <paramref name="beforeId"/> when given), oldest first; <c>HasMore</c> when more follow.</summary>
    Task<HistoryPage> GetAfterAsync(string roomId, ObjectId afterId, ObjectId? beforeId, int limit, CancellationToken cancellationToken);
}
