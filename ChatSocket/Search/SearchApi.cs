using ChatSocket.Identity;
using ChatSocket.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatSocket.Search;

/// <summary>Message search over HTTP.</summary>
internal static class SearchApi
{
    /// <summary>
    /// Maps <c>GET /api/rooms/{room_id}/search?q=&amp;before=&amp;limit=</c>: stored messages of the room containing
    /// every word and phrase of <c>q</c>, best match first, then newest; <c>before</c> is the last result of the
    /// previous page. Bad parameters get an RFC 7807 problem response; database trouble a 503. With authentication on
    /// the request needs a token (401) that grants the room (403), as for history.
    /// </summary>
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/rooms/{room_id}/search", SearchAsync)
            .WithName("SearchRoomMessages")
            .WithTags("Search")
            .WithSummary("Stored messages of a room that contain every word of q, best match first")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Results<Ok<SearchResultsPage>, ValidationProblem, ProblemHttpResult>> SearchAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "room_id")] string roomId,
        string? q,
        string? before,
        string? limit,
        HttpContext context,
        TokenValidator tokens,
        RoomSearch search,
        CancellationToken cancellationToken)
    {
        if ((await RoomReadAccess.CheckAsync(tokens, context, roomId, cancellationToken)).Problem is { } denied)
        {
            return denied;
        }

        int? count = null;
        if (limit is not null)
        {
            if (!int.TryParse(limit, out var parsed))
            {
                return Invalid("limit", "limit must be a whole number");
            }

            count = parsed;
        }

        try
        {
            var (page, error) = await search.SearchAsync(roomId, q, before, count, cancellationToken);
            return error is not null
                ? Invalid(error.Field, error.Message)
                : TypedResults.Ok(new SearchResultsPage(roomId, q!.Trim(), [.. page!.Hits.Select(SearchResultView.From)], page.HasMore));
        }
        catch (ArchiveUnavailableException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Search is unavailable", detail: ex.Message);
        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid search request");
}
