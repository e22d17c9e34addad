namespace ChatSocket.Identity;

/// <summary>
/// <c>GET /api/auth/check</c>: whether a token would be accepted, and as whom. A browser cannot read the status of a
/// refused WebSocket upgrade, so the page asks here (with the same token) to tell its user why.
/// </summary>
internal static class AuthApi
{
    public const string CheckPath = "/api/auth/check";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(CheckPath, CheckAsync);
        return endpoints;
    }

    private static async Task<IResult> CheckAsync(HttpContext context, TokenValidator tokens, CancellationToken cancellationToken)
    {
        if (!tokens.Enabled)
        {
            return TypedResults.Ok(new AuthStatus(false, null, null));
        }

        var check = await tokens.ValidateAsync(RequestToken.From(context.Request), cancellationToken);
        return check.Identity is { } identity
            ? TypedResults.Ok(new AuthStatus(true, identity.Name, identity.ExpiresAt))
            : AuthProblems.Unauthorized(context.Response, check);
    }
}
