using System.ComponentModel;
using ChatSocket.Identity;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using ChatSocket.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace ChatSocket.History;

/// <summary>History over HTTP, for clients that are not connected (and for checking what was stored).</summary>
internal static class HistoryApi
{
    /// <summary>
    /// Maps <c>GET /api/rooms/{room_id}/messages?before=&amp;after=&amp;limit=</c>: the newest messages, those before
    /// an id (paging back), after an id (catching up), or between two; at most <see cref="ChatOptions.MaxHistory"/>.
    /// Bad parameters get an RFC 7807 problem response. With authentication on the request needs a token (401) that
    /// grants the room (403, <see cref="RoomAccess"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/rooms/{room_id}/messages", GetMessagesAsync)
            .WithName("GetRoomMessages")
            .WithTags("History")
            .WithSummary("Stored history of a room, oldest first")
            .WithDescription("The newest messages; with `before`, those older than an id (paging back); with `after`, those newer than an id (catching up); with both, those between. `limit` is 1 to Chat:MaxHistory (default Chat:DefaultHistory).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Results<Ok<MessagePage>, ValidationProblem, ProblemHttpResult>> GetMessagesAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "room_id"), Description("The room: ^[A-Za-z0-9_.:-]{1,64}$")] string roomId,
        [Description("A message id (24 hex digits): only messages older than it")] string? before,
        [Description("A message id (24 hex digits): only messages newer than it")] string? after,
        [Description("How many messages, 1 to Chat:MaxHistory (default Chat:DefaultHistory)")] string? limit,
        HttpContext context,
        TokenValidator tokens,
        IMessageHistory history,
        IOptions<ChatOptions> options,
        CancellationToken cancellationToken)
    {
        var check = await tokens.CheckRequestAsync(context.Request, cancellationToken);
        if (check.Failure is not null)
        {
            return AuthProblems.Unauthorized(context.Response, check);
        }

        if (RoomAccess.Refusal(check.Identity, roomId) is { } refusal)
        {
            return AuthProblems.Forbidden(refusal);
        }

        var errors = new Dictionary<string, string[]>();
        if (!ProtocolRules.IsValidRoomId(roomId))
        {
            errors["room_id"] = ["must match ^[A-Za-z0-9_.:-]{1,64}$"];
        }

        var beforeId = ParseId(before, "before", errors);
        var afterId = ParseId(after, "after", errors);
        var max = options.Value.MaxHistory;
        var count = options.Value.DefaultHistory;
        if (limit is not null && (!int.TryParse(limit, out count) || count < 1 || count > max))
        {
            errors["limit"] = [$"must be a whole number from 1 to {max}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid history request");
        }

        HistoryPage page;
        try
        {
            page = afterId is { } from
                ? await history.GetAfterAsync(roomId, from, beforeId, count, cancellationToken)
                : beforeId is { } to
                    ? await history.GetBeforeAsync(roomId, to, count, cancellationToken)
                    : await history.GetRecentAsync(roomId, count, cancellationToken);
        }
        catch (ArchiveUnavailableException)
        {
            // The database cannot be read right now: a retryable answer, not a server error.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "History is unavailable",
                detail: "The message database cannot be read right now; try again shortly.");
        }

        return TypedResults.Ok(new MessagePage(roomId, [.. page.Messages.Select(MessageView.From)], page.HasMore));
    }

    private static ObjectId? ParseId(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (ObjectId.TryParse(value, out var id))
        {
            return id;
        }

        errors[name] = ["must be a message id (24 hex digits)"];
        return null;
    }
}
