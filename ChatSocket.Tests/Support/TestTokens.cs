using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatSocket.Tests.Support;

/// <summary>
/// A signing key made for the test run (never one from the repository) and tokens signed with it, valid or broken in
/// one chosen way. <see cref="Settings"/> turns authentication on in a <see cref="ChatServer"/>.
/// </summary>
internal static class TestTokens
{
    /// <summary>The run's HS256 key (48 random bytes as base64: 64 characters).</summary>
    public static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>Server settings with authentication on (signing key, no clock skew) plus <paramref name="more"/>.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = Key,
            ["Auth:ClockSkew"] = "00:00:00",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A token for <paramref name="user"/> (<c>name</c> and <c>sub</c>) valid for <paramref name="lifetime"/>
    /// (default an hour); <paramref name="rooms"/> is the <c>rooms</c> claim as given (an array or a string).</summary>
    public static string For(string user, object? rooms = null, TimeSpan? lifetime = null, string? key = null, Action<SecurityTokenDescriptor>? change = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["name"] = user, ["sub"] = user };
        if (rooms is not null)
        {
            claims["rooms"] = rooms;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key ?? Key)), SecurityAlgorithms.HmacSha256),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The <c>reason</c> of a problem body (<c>missing</c>, <c>expired</c>, <c>forbidden</c>, ...).</summary>
    public static string? ReasonOf(string problem) =>
        JsonDocument.Parse(problem).RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
}
