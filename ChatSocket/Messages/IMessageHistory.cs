using MongoDB.Bson;

namespace ChatSocket.Messages;

/// <summary>
/// Read side of a room's message history. Today: the in-memory ring (<see cref="InMemoryMessageHistory"/>).
/// The persistence issue (#4) implements it over MongoDB with the ring as hot cache, and adds <c>GetAfterAsync</c>
/// for resume.
/// </summary>
internal interface IMessageHistory
{
    /// <summary>The newest <paramref name="limit"/> messages of a room, oldest first.</summary>
    Task<HistoryPage> GetRecentAsync(string roomId, int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> messages older than <paramref name="beforeId"/>, oldest first.</summary>
    Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId beforeId, int limit, CancellationToken cancellationToken);
}
