using ChatSocket.Messages;
using ChatSocket.Persistence;
using ChatSocket.Protocol;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace ChatSocket.Search;

/// <summary>
/// A search request as both the REST endpoint and the <c>search</c> frame take it: checks room, <c>q</c>,
/// <c>before</c> and <c>limit</c>, then asks <see cref="IMessageSearch"/>. Database trouble comes out as
/// <see cref="ArchiveUnavailableException"/>. Room access (<c>Identity.RoomAccess</c>) is checked by each entry
/// point before, as for history: a refusal is a 401/403 over HTTP and <c>forbidden</c> in a frame.
/// </summary>
internal sealed class RoomSearch(IMessageSearch search, IOptions<SearchOptions> options)
{
    private readonly SearchOptions _options = options.Value;

    /// <summary>The page, or the first thing wrong with the request.</summary>
    public async Task<(SearchPage? Page, SearchRequestError? Error)> SearchAsync(
        string? roomId, string? q, string? before, int? limit, CancellationToken cancellationToken)
    {
        if (!ProtocolRules.IsValidRoomId(roomId))
        {
            return (null, new SearchRequestError("room_id", "room_id must match ^[A-Za-z0-9_.:-]{1,64}$"));
        }

        if (!TextQuery.TryParse(q, _options.MaxQueryLength, _options.MaxTerms, out var query, out var problem))
        {
            return (null, new SearchRequestError("q", problem!));
        }

        ObjectId? after = null;
        if (before is not null)
        {
            if (!ObjectId.TryParse(before, out var id))
            {
                return (null, new SearchRequestError("before", "before must be a message id (24 hex digits)"));
            }

            after = id;
        }

        var count = limit ?? _options.DefaultLimit;
        if (count < 1 || count > _options.MaxLimit)
        {
            return (null, new SearchRequestError("limit", $"limit must be a whole number from 1 to {_options.MaxLimit}"));
        }

        var page = await search.SearchAsync(roomId!, query!, after, count, cancellationToken);
        return page is null
            ? (null, new SearchRequestError("before", "before must be the id of a result of this search (the last one of the previous page)"))
            : (page, null);
    }
}
