using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Persistence;

/// <summary>Search when persistence is off: there is no stored message to search, which callers report as such
/// (rather than as an empty result that would look like "no match").</summary>
internal sealed class NullMessageSearch : IMessageSearch
{
    public const string Reason = "search and statistics need the message database, and persistence is off (Persistence:Enabled=false)";

    public Task<SearchPage?> SearchAsync(string roomId, TextQuery query, ObjectId? after, int limit, CancellationToken cancellationToken) =>
        Task.FromException<SearchPage?>(new ArchiveUnavailableException(Reason));
}
