namespace ChatSocket.Search;

/// <summary>The answer of <c>GET /api/rooms/{room_id}/search</c>: results best match first, then newest.</summary>
internal sealed record SearchResultsPage(string RoomId, string Q, IReadOnlyList<SearchResultView> Results, bool HasMore);
