namespace ChatSocket.Rooms;

/// <summary>HTTP endpoints about rooms.</summary>
internal static class RoomsApi
{
    /// <summary>Maps <c>GET /api/rooms</c>: the active rooms with their member counts.</summary>
    public static IEndpointRouteBuilder MapRoomsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/rooms", static (RoomRegistry rooms) => TypedResults.Ok(new RoomList(rooms.Summaries())))
            .WithName("GetRooms")
            .WithTags("Rooms")
            .WithSummary("Active rooms with their member counts");
        return endpoints;
    }
}
