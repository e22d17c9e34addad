using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatSocket.Identity;

/// <summary>Mints HS256 tokens with <c>Auth:SigningKey</c>, for development and tests (the <c>token</c> command).</summary>
internal static class DevelopmentTokens
{
    /// <summary>A token for <paramref name="user"/> (<c>name</c> and <c>sub</c>), valid from now for
    /// <paramref name="lifetime"/>, with the <c>rooms</c> claim when <paramref name="rooms"/> is given.</summary>
    public static string Create(AuthOptions options, string user, IReadOnlyList<string>? rooms, TimeSpan lifetime, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException("Auth:SigningKey is not set");
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [TokenValidator.NameClaim] = user,
            [JwtRegisteredClaimNames.Sub] = user,
        };
        if (rooms is not null)
        {
            claims[TokenValidator.RoomsClaim] = rooms.ToArray();
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Issuer = string.IsNullOrEmpty(options.Issuer) ? null : options.Issuer,
            Audience = string.IsNullOrEmpty(options.Audience) ? null : options.Audience,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
