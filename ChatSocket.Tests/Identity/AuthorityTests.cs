using System.Security.Cryptography;
using ChatSocket.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatSocket.Tests.Identity;

/// <summary>
/// <c>Auth:Authority</c>: the server finds the identity provider's keys by OpenID Connect discovery (a small provider
/// run by the test on a loopback port serves the discovery document and its JWKS) and accepts the tokens it signs for
/// the configured audience, and only those.
/// </summary>
[TestFixture]
public sealed class AuthorityTests
{
    private const string Audience = "chatsocket";
    private readonly RSA _providerKey = RSA.Create(2048);
    private WebApplication _provider = null!;
    private string _issuer = "";

    [OneTimeSetUp]
    public async Task StartProviderAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _provider = builder.Build();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_providerKey.ExportParameters(includePrivateParameters: false)) { KeyId = "k1" });
        _provider.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = _issuer,
            ["jwks_uri"] = _issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _provider.MapGet("/jwks", () => Results.Json(new Dictionary<string, object>
        {
            ["keys"] = new[] { new Dictionary<string, string> { ["kty"] = jwk.Kty, ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E } },
        }));
        await _provider.StartAsync();
        _issuer = _provider.Urls.First().TrimEnd('/');
    }

    [OneTimeTearDown]
    public async Task StopProviderAsync()
    {
        await _provider.DisposeAsync();
        _providerKey.Dispose();
    }

    [Test]
    public async Task A_token_of_the_authority_for_the_audience_is_accepted_and_speaks_under_its_name()
    {
        await using var server = await StartServerAsync();
        await using var alice = await server.ConnectWithTokenAsync(Token("alice", _providerKey, Audience), room: "lobby");

        await alice.ReceiveTypeAsync("joined", "lobby");
        await alice.SendJsonAsync(new { type = "send", room_id = "lobby", content = "signed by the authority" });
        var message = await alice.ReceiveTypeAsync("message", "lobby");

        Assert.That(message.GetProperty("sender").GetString(), Is.EqualTo("alice"));
    }

    [Test]
    public async Task A_token_for_another_audience_or_signed_by_another_key_is_refused_with_401()
    {
        await using var server = await StartServerAsync();
        using var stranger = RSA.Create(2048);

        var (wrongAudience, audienceBody) = await server.ProbeUpgradeAsync(accessToken: Token("alice", _providerKey, "another-service"));
        var (wrongKey, keyBody) = await server.ProbeUpgradeAsync(accessToken: Token("alice", stranger, Audience));

        Assert.Multiple(() =>
        {
            Assert.That(wrongAudience, Is.EqualTo(401));
            Assert.That(TestTokens.ReasonOf(audienceBody), Is.EqualTo("wrong_audience"));
            Assert.That(wrongKey, Is.EqualTo(401));
            Assert.That(TestTokens.ReasonOf(keyBody), Is.EqualTo("bad_signature"));
        });
    }

    private Task<ChatServer> StartServerAsync() => ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Auth:Authority"] = _issuer,
        ["Auth:Audience"] = Audience,
        // The test's provider speaks http on loopback; production authorities must use https.
        ["Auth:RequireHttpsMetadata"] = "false",
    });

    private string Token(string user, RSA key, string audience)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["name"] = user, ["sub"] = user },
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
    }
}
