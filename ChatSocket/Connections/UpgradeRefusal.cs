using ChatSocket.Identity;
using Microsoft.Net.Http.Headers;

namespace ChatSocket.Connections;

/// <summary>
/// An upgrade turned away: the HTTP answer, written to an <see cref="HttpContext"/>'s response. Kestrel's HTTP path
/// writes it to the request's own response; the upgrade below HTTP writes it to a detached one and sends those bytes,
/// so both paths answer with the same status, headers and body.
/// </summary>
internal sealed class UpgradeRefusal
{
    private readonly int _status;
    private readonly string? _reason;
    private readonly TokenCheck? _token;
    private readonly int _userLimit;

    private UpgradeRefusal(int status, string? reason, TokenCheck? token, int userLimit)
    {
        _status = status;
        _reason = reason;
        _token = token;
        _userLimit = userLimit;
    }

    /// <summary>A plain-text refusal (handshake, origin, stopping, connection limit); 426 names the supported version.</summary>
    public static UpgradeRefusal Text(int status, string reason) => new(status, reason, null, 0);

    /// <summary>A refused token: the problem response of <see cref="AuthProblems.Unauthorized"/>.</summary>
    public static UpgradeRefusal Unauthorized(TokenCheck check) => new(0, null, check, 0);

    /// <summary>The user's connection limit: the problem response of <see cref="AuthProblems.TooManyConnections"/>.</summary>
    public static UpgradeRefusal TooManyConnections(int limit) => new(0, null, null, limit);

    public Task WriteAsync(HttpContext context)
    {
        if (_token is not null)
        {
            return AuthProblems.Unauthorized(context.Response, _token).ExecuteAsync(context);
        }

        if (_reason is null)
        {
            return AuthProblems.TooManyConnections(_userLimit).ExecuteAsync(context);
        }

        context.Response.StatusCode = _status;
        if (_status == StatusCodes.Status426UpgradeRequired)
        {
            context.Response.Headers[HeaderNames.SecWebSocketVersion] = "13";
        }

        return context.Response.WriteAsync(_reason, context.RequestAborted);
    }
}
