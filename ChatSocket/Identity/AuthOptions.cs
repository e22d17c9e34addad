using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Identity;

/// <summary>
/// Who may connect, section <c>Auth</c>. Authentication is on whenever <see cref="SigningKey"/> or
/// <see cref="Authority"/> is set (there is no switch that half-enables it); with neither the server is anonymous.
/// The key comes from configuration or the environment (<c>Auth__SigningKey</c>), never from a file in the repository.
/// </summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The shortest HS256 key accepted, in bytes (RFC 7518 §3.2: at least the hash size).</summary>
    public const int MinSigningKeyBytes = 32;

    /// <summary>The HS256 key tokens are signed with, as text (its UTF-8 bytes are the key); at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority whose signing keys are discovered (JWKS); needs <see cref="Audience"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>The <c>aud</c> tokens must carry; unset: not checked (with a signing key only).</summary>
    public string? Audience { get; set; }

    /// <summary>The <c>iss</c> tokens must carry; unset: not checked with a signing key, the authority's with one.</summary>
    public string? Issuer { get; set; }

    /// <summary>Whether the authority's metadata must come over https. Default true; false only for development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Open connections one user may have; 0 (the default) is no limit. Over it the upgrade gets 429.</summary>
    [Range(0, int.MaxValue)]
    public int MaxConnectionsPerUser { get; set; }

    /// <summary>Allowed difference between the issuer's clock and ours for <c>exp</c> and <c>nbf</c>. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether tokens are required.</summary>
    public bool Enabled => !string.IsNullOrEmpty(SigningKey) || !string.IsNullOrEmpty(Authority);
}
