using ChatSocket.Identity;

namespace ChatSocket.Rooms;

/// <summary>HTTP endpoints about rooms.</summary>
internal static class RoomsApi
{
    /// <summary>
    /// Maps <c>GET /api/rooms</c>: the active rooms with their member counts, across the nodes with a backplane (503
    /// while it is unreachable). With authentication on it needs a token (401) and lists only the rooms that token may
    /// join: other people's direct-message rooms stay private.
    /// </summary>
    public static IEndpointRouteBuilder MapRoomsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/rooms", ListAsync)
            .WithName("GetRooms")
            .WithTags("Rooms")
            .WithSummary("Active rooms with their member counts (with auth on: those the token may read)");
        return endpoints;
    }

    private static async Task<IResult> ListAsync(HttpContext context, TokenValidator tokens, RoomRegistry rooms, CancellationToken cancellationToken)
    {
        var check = await tokens.CheckRequestAsync(context.Request, cancellationToken);
        if (check.Failure is not null)
        {
            return AuthProblems.Unauthorized(context.Response, check);
        }

        IReadOnlyList<RoomSummary> summaries;
        try
        {
            summaries = await rooms.SummariesAsync(cancellationToken);
        }
        catch (BackplaneUnavailableException)
        {
            // The other nodes' counts are unknown: a partial list would look complete.
            return TypedResults.Problem(
                "The backplane (Redis) is unreachable, so the other nodes' rooms are unknown; try again.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Room list unavailable");
        }

        var visible = summaries.Where(room => RoomAccess.Refusal(check.Identity, room.RoomId) is null);
        return TypedResults.Ok(new RoomList([.. visible]));
    }
}
