namespace ChatSocket.Identity;

/// <summary>Why a token was refused; <see cref="TokenCheck.ReasonCode"/> is its name on the wire.</summary>
internal enum TokenFailure
{
    /// <summary>Authentication is on and no token came.</summary>
    Missing,

    /// <summary>Not a JWT (three base64url parts of JSON).</summary>
    Malformed,

    /// <summary>The signature does not verify with the server's key (or an unexpected algorithm).</summary>
    BadSignature,

    /// <summary>Past its <c>exp</c> (plus the clock skew).</summary>
    Expired,

    /// <summary>Before its <c>nbf</c> (minus the clock skew).</summary>
    NotYetValid,

    /// <summary>Without <c>exp</c>: a token that never expires is not taken.</summary>
    NoExpiry,

    /// <summary>Its <c>aud</c> is not <c>Auth:Audience</c>.</summary>
    WrongAudience,

    /// <summary>Its <c>iss</c> is not the expected issuer.</summary>
    WrongIssuer,

    /// <summary>Valid, but without a usable name or with a <c>rooms</c> claim that cannot be read.</summary>
    InvalidClaims,

    /// <summary>Refused for another reason of the token handler.</summary>
    Invalid,

    /// <summary>The authority's signing keys could not be fetched: the server's trouble, not the client's (503).</summary>
    KeysUnavailable,
}
