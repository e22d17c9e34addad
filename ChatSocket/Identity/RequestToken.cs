using Microsoft.Net.Http.Headers;

namespace ChatSocket.Identity;

/// <summary>
/// Where a request carries its token: <c>Authorization: Bearer</c>, or the <c>access_token</c> query parameter
/// (browsers cannot set headers on a WebSocket; SignalR uses the same name). The header wins when both are there.
/// </summary>
internal static class RequestToken
{
    /// <summary>The query parameter.</summary>
    public const string QueryName = "access_token";

    private const string BearerPrefix = "Bearer ";

    /// <summary>The token, or null when the request has none.</summary>
    public static string? From(HttpRequest request) => From(request.Headers, request.Query);

    /// <summary>The token of a request read without an <see cref="HttpContext"/> (the upgrade below Kestrel's HTTP
    /// layer), or null when it has none.</summary>
    public static string? From(IHeaderDictionary headers, IQueryCollection query)
    {
        foreach (var value in headers[HeaderNames.Authorization])
        {
            if (value is not null && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && value.AsSpan(BearerPrefix.Length).Trim().Length > 0)
            {
                return value[BearerPrefix.Length..].Trim();
            }
        }

        return query[QueryName].ToString() is { Length: > 0 } fromQuery ? fromQuery : null;
    }
}
