using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Persistence;

/// <summary>
/// The durable side of a room's history (MongoDB), read behind the history's in-memory rings. Every read throws
/// <see cref="ArchiveUnavailableException"/> when the database cannot answer.
/// </summary>
internal interface IMessageArchive
{
    /// <summary>False when persistence is off: the in-memory rings are then all the history there is.</summary>
    bool IsDurable { get; }

    /// <summary>Up to <paramref name="limit"/> stored messages older than <paramref name="before"/> (the newest
    /// ones when null), oldest first; <c>HasMore</c> when older ones exist.</summary>
    Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId? before, int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> stored messages newer than <paramref name="after"/> (and older than
    /// <paramref name="before"/> when given), oldest first; <c>HasMore</c> when more follow.</summary>
    Task<HistoryPage> GetAfterAsync(string roomId, ObjectId after, ObjectId? before, int limit, CancellationToken cancellationToken);

    /// <summary>The stored message this sender sent to the room with this <c>client_msg_id</c>, if any. Throws
    /// <see cref="ArchiveUnavailableException"/> when the database cannot be asked.</summary>
    Task<ChatMessage?> FindByClientMsgIdAsync(string roomId, string sender, string clientMsgId, CancellationToken cancellationToken);

    /// <summary>Every <c>client_msg_id</c> this sender used in the room, or null when there are more than
    /// <paramref name="max"/>. Throws <see cref="ArchiveUnavailableException"/> when the database cannot be asked.</summary>
    Task<IReadOnlyList<string>?> ListClientMsgIdsAsync(string roomId, string sender, int max, CancellationToken cancellationToken);
}
