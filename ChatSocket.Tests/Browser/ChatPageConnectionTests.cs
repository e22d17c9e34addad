using ChatSocket.Tests.Browser.Support;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Browser;

/// <summary>
/// The chat page when its connection goes away or is refused: each test runs its own server (restarted on the same
/// port, stopped, or full) and the page has to find its way back by itself.
/// </summary>
[TestFixture]
internal sealed class ChatPageConnectionTests : HeadlessBrowserFixture
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Test]
    [CancelAfter(60_000)]
    public async Task After_a_server_restart_the_page_reconnects_by_itself_and_resumes_without_gap_or_duplicate(
        CancellationToken cancellationToken)
    {
        var server = await ChatServer.StartAsync();
        try
        {
            const string room = "restart";
            var alice = await OpenPageAsync(cancellationToken);
            await alice.JoinAsync(server.BaseUri, "alice", room, cancellationToken);
            await using (var bob = await server.ConnectAndJoinAsync("bob", room))
            {
                foreach (var content in new[] { "one", "two", "three" })
                {
                    await bob.SendJsonAsync(new { type = "send", room_id = room, content });
                }

                await alice.WaitForMessageCountAsync(3, cancellationToken);
            }

            await alice.SendAsync("four, from alice", cancellationToken);
            await alice.WaitForOwnMessageAsync("four, from alice", "sent", echoed: true, cancellationToken);
            var before = await alice.MessagesAsync(cancellationToken);
            // A resume keeps these very elements; a reload of the history would replace them.
            await alice.Page.EvaluateAsync(
                "document.querySelectorAll('#messages li.message').forEach(li => li.dataset.shownBefore = 'yes')",
                cancellationToken);

            var restarting = server.RestartAsync();
            await alice.WaitForStatusTextAsync("Reconnecting in ", cancellationToken);
            server = await restarting;
            await alice.WaitForStatusTextAsync("Connected", cancellationToken);
            await alice.WaitUntilJoinedAsync(cancellationToken);
            await using (var carol = await server.ConnectAndJoinAsync("carol", room))
            {
                await carol.SendJsonAsync(new { type = "send", room_id = room, content = "five, after the restart" });
                await alice.WaitForMessageAsync("five, after the restart", cancellationToken);
                await alice.WaitForOnlineAsync(["alice", "carol"], cancellationToken);
            }

            var after = await alice.MessagesAsync(cancellationToken);
            var keptElements = await alice.Page.EvaluateAsync<int>(
                "document.querySelectorAll('#messages li.message[data-shown-before=yes]').length", cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(
                    after.Select(m => m.Content),
                    Is.EqualTo(new[] { "one", "two", "three", "four, from alice", "five, after the restart" }),
                    Browser.Diagnostics());
                Assert.That(after.Take(4), Is.EqualTo(before), "what was shown before stays, once each");
                Assert.That(keptElements, Is.EqualTo(4), "resumed, not reloaded");
            });
            await alice.Page.CloseAsync(cancellationToken);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_message_unacked_when_the_server_restarts_is_resent_and_shown_once(CancellationToken cancellationToken)
    {
        var server = await ChatServer.StartAsync();
        try
        {
            const string room = "resend";
            var dave = await OpenPageAsync(cancellationToken);
            await dave.Page.AddScriptOnNewDocumentAsync(FrameGate.Script, cancellationToken);
            await dave.JoinAsync(server.BaseUri, "dave", room, cancellationToken);

            // The server stores and acks it, but the ack is lost with the connection: the page must send it again.
            await FrameGate.HoldAsync(dave.Page, cancellationToken, "ack");
            await dave.SendAsync("said once", cancellationToken);
            await dave.WaitForOwnMessageAsync("said once", "pending", echoed: true, cancellationToken);
            await FrameGate.WaitUntilHeldAsync(dave.Page, 1, Deadline, cancellationToken);
            await FrameGate.DropAsync(dave.Page, cancellationToken);
            server = await server.RestartAsync();
            await dave.WaitForOwnMessageAsync("said once", "sent", echoed: true, cancellationToken);

            // The restarted server finds the client_msg_id in the database: the resend is acked with the original id
            // and not broadcast again, so the room's history (what every other page sees) has it once too.
            var own = await dave.OwnMessagesAsync(cancellationToken);
            var shown = await dave.MessagesAsync(cancellationToken);
            var history = await server.GetJsonAsync($"/api/rooms/{room}/messages");
            Assert.Multiple(() =>
            {
                Assert.That(own.Select(m => (m.Content, m.Delivery)), Is.EqualTo(new[] { ("said once", "sent") }), Browser.Diagnostics());
                Assert.That(shown.Select(m => (m.Id, m.Content)), Is.EqualTo(new[] { (own[0].Id, "said once") }));
                Assert.That(history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()), Is.EqualTo(new[] { "said once" }), "once in the room's history");
            });
            await dave.Page.CloseAsync(cancellationToken);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task While_the_server_is_down_the_page_says_it_cannot_reach_it_and_comes_back_when_it_is_up(
        CancellationToken cancellationToken)
    {
        var server = await ChatServer.StartAsync();
        try
        {
            var frank = await OpenPageAsync(cancellationToken);
            await frank.JoinAsync(server.BaseUri, "frank", "down", cancellationToken);
            await frank.SendAsync("before the outage", cancellationToken);
            await frank.WaitForOwnMessageAsync("before the outage", "sent", echoed: true, cancellationToken);

            await server.StopAsync();
            await frank.WaitForBannerAsync("unreachable", cancellationToken);
            var banner = await frank.BannerAsync(cancellationToken);
            await frank.WaitForStatusTextAsync("Reconnecting in ", cancellationToken);
            var messagesWhileDown = await frank.MessagesAsync(cancellationToken);

            server = await server.RestartAsync();
            await frank.WaitForStatusTextAsync("Connected", cancellationToken);
            var bannerWhenBack = await frank.BannerAsync(cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(banner, Is.EqualTo(new[] { "unreachable", "Cannot reach the server; retrying…" }), Browser.Diagnostics());
                Assert.That(messagesWhileDown.Select(m => m.Content), Is.EqualTo(new[] { "before the outage" }));
                Assert.That(bannerWhenBack, Is.Empty);
            });
            await frank.Page.CloseAsync(cancellationToken);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_full_server_shows_that_it_refused_the_connection_and_the_page_joins_once_there_is_room(
        CancellationToken cancellationToken)
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:MaxConnections"] = "1" });
        var grace = await OpenPageAsync(cancellationToken);
        await using (var filler = await server.ConnectAndJoinAsync("filler", "full"))
        {
            await grace.EnterRoomAsync(server.BaseUri, "grace", "full", cancellationToken);
            await grace.WaitForBannerAsync("refused", cancellationToken);
            var banner = await grace.BannerAsync(cancellationToken);
            var saysEmpty = await grace.SaysRoomIsEmptyAsync(cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(banner[1], Does.StartWith("The server refused the connection (it may be full"), Browser.Diagnostics());
                Assert.That(saysEmpty, Is.False, "a room that could not be loaded is not shown as empty");
            });
        }

        await grace.WaitUntilJoinedAsync(cancellationToken);
        Assert.That(await grace.BannerAsync(cancellationToken), Is.Empty);
        Assert.That(await grace.SaysRoomIsEmptyAsync(cancellationToken), Is.True, "now it is known to be empty");
        await grace.Page.CloseAsync(cancellationToken);
    }

    private async Task<ChatPage> OpenPageAsync(CancellationToken cancellationToken) =>
        new(await Browser.OpenPageAsync(1024, 768, cancellationToken), Deadline);
}
