namespace ChatSocket.Identity;

/// <summary>Source-generated log messages of authentication (event ids 1200-1299). Never a token.</summary>
internal static partial class IdentityLog
{
    [LoggerMessage(1200, LogLevel.Information, "Authentication is on: HS256 tokens signed with Auth:SigningKey{Checks}")]
    public static partial void SigningKeyMode(ILogger logger, string checks);

    [LoggerMessage(1201, LogLevel.Information, "Authentication is on: tokens of the authority {Authority} for the audience {Audience}")]
    public static partial void AuthorityMode(ILogger logger, string authority, string audience);

    [LoggerMessage(1202, LogLevel.Warning, "Authentication is off: anyone may connect under any name and join or read every room (set Auth:SigningKey or Auth:Authority to require tokens)")]
    public static partial void Anonymous(ILogger logger);

    /// <summary>Logs once, at start, how clients are identified.</summary>
    public static void Mode(ILogger logger, AuthOptions options)
    {
        if (!string.IsNullOrEmpty(options.Authority))
        {
            AuthorityMode(logger, options.Authority, options.Audience ?? "");
        }
        else if (!string.IsNullOrEmpty(options.SigningKey))
        {
            var checks = (options.Issuer, options.Audience) switch
            {
                (null or "", null or "") => "",
                (null or "", var audience) => $", audience {audience}",
                (var issuer, null or "") => $", issuer {issuer}",
                (var issuer, var audience) => $", issuer {issuer}, audience {audience}",
            };
            SigningKeyMode(logger, checks);
        }
        else
        {
            Anonymous(logger);
        }
    }
}
