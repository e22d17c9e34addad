using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Persistence;

/// <summary>Search when there is nothing to search with: persistence is off, or the text index is turned off. Callers
/// report the reason (rather than an empty result that would look like "no match").</summary>
internal sealed class NullMessageSearch(string reason) : IMessageSearch
{
    public const string PersistenceOffReason = "search and statistics need the message database, and persistence is off (Persistence:Enabled=false)";

    public const string NoIndexReason = "search is turned off on this server (Persistence:SearchIndex=false)";

    public Task<SearchPage?> SearchAsync(string roomId, TextQuery query, ObjectId? after, int limit, CancellationToken cancellationToken) =>
        Task.FromException<SearchPage?>(new ArchiveUnavailableException(reason));
}
