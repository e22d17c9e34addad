using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ChatSocket.Protocol;

namespace ChatSocket.Identity;

/// <summary>
/// Checks a token with the framework's JwtBearer configuration: the same <see cref="TokenValidationParameters"/>,
/// token handlers and, with an authority, the same discovered signing keys that the JwtBearer handler uses. Callable
/// from anywhere (the WebSocket upgrade, the REST API, a <c>refresh</c> frame), not only from middleware.
/// </summary>
internal sealed class TokenValidator(IOptionsMonitor<JwtBearerOptions> jwtOptions, IOptions<AuthOptions> authOptions, IOptions<ChatOptions> chatOptions)
{
    /// <summary>The claim that names the user (else <c>sub</c>).</summary>
    public const string NameClaim = "name";

    /// <summary>The claim of granted rooms.</summary>
    public const string RoomsClaim = "rooms";

    private readonly AuthOptions _auth = authOptions.Value;
    private readonly int _maxUserLength = chatOptions.Value.MaxUserLength;

    /// <summary>Whether tokens are required.</summary>
    public bool Enabled => _auth.Enabled;

    /// <summary>The request's token checked; <see cref="TokenCheck.Anonymous"/> when authentication is off.</summary>
    public Task<TokenCheck> CheckRequestAsync(HttpRequest request, CancellationToken cancellationToken) =>
        CheckRequestAsync(request.Headers, request.Query, cancellationToken);

    /// <summary>
    /// The token of a request given as its headers and query checked; <see cref="TokenCheck.Anonymous"/> when
    /// authentication is off. Needs no <see cref="HttpContext"/>: the upgrade below Kestrel's HTTP layer has none.
    /// </summary>
    public Task<TokenCheck> CheckRequestAsync(IHeaderDictionary headers, IQueryCollection query, CancellationToken cancellationToken) =>
        Enabled ? ValidateAsync(RequestToken.From(headers, query), cancellationToken) : Task.FromResult(TokenCheck.Anonymous);

    /// <summary>Validates <paramref name="token"/> (authentication must be on).</summary>
    public async Task<TokenCheck> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return TokenCheck.Refused(TokenFailure.Missing, "no token: send it as the access_token query parameter or an Authorization: Bearer header");
        }

        var options = jwtOptions.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters;
        if (options.ConfigurationManager is { } manager)
        {
            try
            {
                var configuration = await manager.GetConfigurationAsync(cancellationToken);
                parameters = parameters.Clone();
                parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], configuration.Issuer];
                parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], .. configuration.SigningKeys];
            }
            catch (InvalidOperationException)
            {
                // The configuration manager reports an unreachable or unreadable authority this way.
                return TokenCheck.Refused(TokenFailure.KeysUnavailable, "the server cannot fetch its authority's signing keys right now; try again later");
            }
        }

        TokenValidationResult? result = null;
        foreach (var handler in options.TokenHandlers)
        {
            result = await handler.ValidateTokenAsync(token, parameters);
            if (result.IsValid)
            {
                break;
            }
        }

        if (result is null || !result.IsValid)
        {
            return Refusal(result?.Exception);
        }

        return result.SecurityToken is JsonWebToken jwt ? IdentityOf(jwt, options.TokenValidationParameters.ClockSkew) : Refusal(null);
    }

    private TokenCheck IdentityOf(JsonWebToken token, TimeSpan clockSkew)
    {
        var name = token.TryGetPayloadValue<string>(NameClaim, out var named) && !string.IsNullOrEmpty(named) ? named : token.Subject;
        if (string.IsNullOrEmpty(name))
        {
            return TokenCheck.Refused(TokenFailure.InvalidClaims, "the token has neither a name nor a sub claim");
        }

        if (!ProtocolRules.IsValidUser(name, _maxUserLength))
        {
            return TokenCheck.Refused(TokenFailure.InvalidClaims, $"the token's name must have 1 to {_maxUserLength} characters and no control characters");
        }

        if (!TryReadRooms(token, out var rooms, out var error))
        {
            return TokenCheck.Refused(TokenFailure.InvalidClaims, error);
        }

        var expires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        return TokenCheck.Valid(new UserIdentity(name, rooms, expires, expires + clockSkew));
    }

    // The claim is read from the payload itself: an empty array must grant no room, not look like an absent claim.
    private static bool TryReadRooms(JsonWebToken token, out RoomGrants rooms, out string error)
    {
        rooms = RoomGrants.Every;
        error = "";
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        if (!payload.RootElement.TryGetProperty(RoomsClaim, out var claim))
        {
            return true;
        }

        string[] values;
        switch (claim.ValueKind)
        {
            case JsonValueKind.String:
                values = [claim.GetString()!];
                break;
            case JsonValueKind.Array when claim.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                values = [.. claim.EnumerateArray().Select(e => e.GetString()!)];
                break;
            default:
                error = "the rooms claim must be an array of strings or one string of room ids separated by spaces or commas";
                return false;
        }

        if (!RoomGrants.TryParse(values, out rooms, out var parseError))
        {
            error = parseError!;
            return false;
        }

        return true;
    }

    private static TokenCheck Refusal(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => TokenCheck.Refused(TokenFailure.Expired, "the token has expired"),
        SecurityTokenNotYetValidException => TokenCheck.Refused(TokenFailure.NotYetValid, "the token is not valid yet (its nbf is in the future)"),
        SecurityTokenNoExpirationException => TokenCheck.Refused(TokenFailure.NoExpiry, "the token has no exp claim; tokens must expire"),
        SecurityTokenInvalidAudienceException => TokenCheck.Refused(TokenFailure.WrongAudience, "the token is meant for another audience (aud)"),
        SecurityTokenInvalidIssuerException => TokenCheck.Refused(TokenFailure.WrongIssuer, "the token comes from another issuer (iss)"),
        SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException =>
            TokenCheck.Refused(TokenFailure.BadSignature, "the token's signature does not verify with the server's keys"),
        SecurityTokenMalformedException or ArgumentException => TokenCheck.Refused(TokenFailure.Malformed, "the token is not a well-formed JWT"),
        _ => TokenCheck.Refused(TokenFailure.Invalid, "the token was refused"),
    };
}
