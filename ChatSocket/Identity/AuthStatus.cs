namespace ChatSocket.Identity;

/// <summary>The answer of <c>GET /api/auth/check</c>.</summary>
/// <param name="AuthEnabled">Whether the server requires tokens.</param>
/// <param name="User">The name the token speaks as.</param>
/// <param name="ExpiresAt">The token's expiry.</param>
internal sealed record AuthStatus(bool AuthEnabled, string? User, DateTimeOffset? ExpiresAt);
