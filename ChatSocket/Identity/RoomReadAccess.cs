using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatSocket.Identity;

/// <summary>The token and room check every REST read of a room starts with (history, search, statistics).</summary>
internal static class RoomReadAccess
{
    /// <summary>
    /// The caller's identity (null when authentication is off), or the problem to answer: 401 without a valid token,
    /// 403 when the token does not grant <paramref name="roomId"/> (<see cref="RoomAccess"/>). A null
    /// <paramref name="roomId"/> checks the token only.
    /// </summary>
    public static async Task<(UserIdentity? Identity, ProblemHttpResult? Problem)> CheckAsync(
        TokenValidator tokens, HttpContext context, string? roomId, CancellationToken cancellationToken)
    {
        var check = await tokens.CheckRequestAsync(context.Request, cancellationToken);
        if (check.Failure is not null)
        {
            return (null, AuthProblems.Unauthorized(context.Response, check));
        }

        return roomId is not null && RoomAccess.Refusal(check.Identity, roomId) is { } refusal
            ? (check.Identity, AuthProblems.Forbidden(refusal))
            : (check.Identity, null);
    }
}
