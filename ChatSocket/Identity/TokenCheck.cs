namespace ChatSocket.Identity;

/// <summary>
/// The outcome of checking a request's token: an identity, a failure with a sentence for the client, or neither
/// (authentication is off: anonymous). Never holds the token itself.
/// </summary>
internal sealed class TokenCheck
{
    private TokenCheck(UserIdentity? identity, TokenFailure? failure, string? detail)
    {
        Identity = identity;
        Failure = failure;
        Detail = detail;
    }

    /// <summary>Authentication is off: no identity, nothing refused.</summary>
    public static TokenCheck Anonymous { get; } = new(null, null, null);

    /// <summary>The validated identity; null when anonymous or refused.</summary>
    public UserIdentity? Identity { get; }

    /// <summary>Why the token was refused; null when it was not.</summary>
    public TokenFailure? Failure { get; }

    /// <summary>The refusal as a sentence for the client.</summary>
    public string? Detail { get; }

    /// <summary>The failure as it appears in problem bodies (<c>reason</c>): <c>expired</c>, <c>bad_signature</c>, ...</summary>
    public string? ReasonCode => Failure switch
    {
        null => null,
        TokenFailure.Missing => "missing",
        TokenFailure.Malformed => "malformed",
        TokenFailure.BadSignature => "bad_signature",
        TokenFailure.Expired => "expired",
        TokenFailure.NotYetValid => "not_yet_valid",
        TokenFailure.NoExpiry => "no_expiry",
        TokenFailure.WrongAudience => "wrong_audience",
        TokenFailure.WrongIssuer => "wrong_issuer",
        TokenFailure.InvalidClaims => "invalid_claims",
        TokenFailure.KeysUnavailable => "keys_unavailable",
        _ => "invalid",
    };

    public static TokenCheck Valid(UserIdentity identity) => new(identity, null, null);

    public static TokenCheck Refused(TokenFailure failure, string detail) => new(null, failure, detail);
}
