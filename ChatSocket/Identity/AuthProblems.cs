using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ChatSocket.Identity;

/// <summary>RFC 7807 problem responses of authentication and room access, the same on every endpoint.</summary>
internal static class AuthProblems
{
    /// <summary>
    /// 401 with the refusal's <c>reason</c> (<c>missing</c>, <c>expired</c>, ...) and a <c>WWW-Authenticate</c>
    /// challenge (RFC 6750); 503 when the authority's keys could not be fetched.
    /// </summary>
    public static ProblemHttpResult Unauthorized(HttpResponse response, TokenCheck check)
    {
        if (check.Failure == TokenFailure.KeysUnavailable)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Tokens cannot be checked right now",
                detail: check.Detail,
                extensions: Reason(check.ReasonCode));
        }

        response.Headers[HeaderNames.WWWAuthenticate] = check.Failure == TokenFailure.Missing
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{check.Detail}\"";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: check.Detail,
            extensions: Reason(check.ReasonCode));
    }

    /// <summary>403: the user may not join or read the room.</summary>
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail, extensions: Reason("forbidden"));

    /// <summary>429: the user has <paramref name="limit"/> connections open already.</summary>
    public static ProblemHttpResult TooManyConnections(int limit) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many connections",
            detail: $"this user has {limit} connections open, the most allowed (Auth:MaxConnectionsPerUser); close one first",
            extensions: Reason("user_connection_limit"));

    private static Dictionary<string, object?> Reason(string? reason) => new(StringComparer.Ordinal) { ["reason"] = reason };
}
