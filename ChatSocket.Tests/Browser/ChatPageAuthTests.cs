using ChatSocket.Tests.Browser.Support;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Browser;

/// <summary>The chat page against a server that requires tokens.</summary>
[TestFixture]
internal sealed class ChatPageAuthTests : HeadlessBrowserFixture
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await ChatServer.StartAsync(TestTokens.Settings());

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    [CancelAfter(30_000)]
    public async Task A_refused_token_from_the_page_address_is_said_with_its_reason_and_leaves_the_address(
        CancellationToken cancellationToken)
    {
        var expired = TestTokens.For("alice", lifetime: TimeSpan.FromMinutes(-5), change: d => d.NotBefore = DateTime.UtcNow.AddHours(-1));
        var page = new ChatPage(await Browser.OpenPageAsync(1024, 768, cancellationToken), Deadline);

        await page.EnterRoomWithTokenAsync(new Uri(_server.BaseUri, "/?token=" + Uri.EscapeDataString(expired)), "", null, "lobby", cancellationToken);
        await page.WaitForBannerAsync("unauthorized", cancellationToken);

        var banner = await page.BannerAsync(cancellationToken);
        var address = await page.Page.EvaluateAsync<string>("location.href", cancellationToken);
        var formShown = await page.Page.EvaluateAsync<bool>("document.getElementById('join-form').checkVisibility()", cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(banner[1], Does.StartWith("The server refused the token: the token has expired"), Browser.Diagnostics());
            Assert.That(address, Does.Not.Contain("token"));
            Assert.That(formShown, Is.True, "the page stays on the form to take another token");
        });
        await page.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_valid_token_typed_into_the_page_joins_and_speaks_under_the_tokens_name(CancellationToken cancellationToken)
    {
        var page = new ChatPage(await Browser.OpenPageAsync(1024, 768, cancellationToken), Deadline);

        await page.EnterRoomWithTokenAsync(_server.BaseUri, "mallory", TestTokens.For("alice"), "auth-page", cancellationToken);
        await page.WaitUntilJoinedAsync(cancellationToken);
        await page.SendAsync("signed in", cancellationToken);
        await page.WaitForOwnMessageAsync("signed in", "sent", echoed: true, cancellationToken);

        var messages = await page.MessagesAsync(cancellationToken);
        Assert.That(messages.Select(m => (m.Sender, m.Content)), Is.EqualTo(new[] { ("alice", "signed in") }), Browser.Diagnostics());
        await page.Page.CloseAsync(cancellationToken);
    }
}
