using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatSocket.Rooms;

/// <summary>HTTP endpoints about rooms.</summary>
internal static class RoomsApi
{
    /// <summary>Maps <c>GET /api/rooms</c>: the active rooms with their member counts (across the nodes with a
    /// backplane; 503 while it is unreachable).</summary>
    public static IEndpointRouteBuilder MapRoomsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/rooms", ListAsync);
        return endpoints;
    }

    private static async Task<Results<Ok<RoomList>, ProblemHttpResult>> ListAsync(RoomRegistry rooms, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(new RoomList(await rooms.SummariesAsync(cancellationToken)));
        }
        catch (BackplaneUnavailableException)
        {
            // The other nodes' counts are unknown: a partial list would look complete.
            return TypedResults.Problem(
                "The backplane (Redis) is unreachable, so the other nodes' rooms are unknown; try again.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Room list unavailable");
        }
    }
}
