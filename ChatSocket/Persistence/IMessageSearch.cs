using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Persistence;

/// <summary>Full-text search over a room's stored messages (MongoDB's text index). Throws
/// <see cref="ArchiveUnavailableException"/> when the database cannot answer, or when persistence is off.</summary>
internal interface IMessageSearch
{
    /// <summary>
    /// Up to <paramref name="limit"/> stored messages of the room that contain every word and phrase of
    /// <paramref name="query"/>, best match first, then newest. <paramref name="after"/> is the last result of the
    /// previous page (the next page starts after it in that order). Null when <paramref name="after"/> is not a result
    /// of this query in this room.
    /// </summary>
    Task<SearchPage?> SearchAsync(string roomId, TextQuery query, ObjectId? after, int limit, CancellationToken cancellationToken);
}
