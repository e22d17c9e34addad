using ChatSocket.Tests.Browser.Support;
using ChatSocket.Tests.Support;
using Microsoft.Extensions.Options;

namespace ChatSocket.Tests.Browser;

/// <summary>The chat page in a real headless Chromium against the real server on a loopback port.</summary>
[TestFixture]
internal sealed class ChatPageTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private ChatServer? _chat;
    private HeadlessBrowser? _browser;
    private Uri _server = null!;

    [OneTimeSetUp]
    public async Task StartServerAndBrowser()
    {
        _chat = await ChatServer.StartAsync();
        _server = _chat.BaseUri;
        using var launch = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _browser = await HeadlessBrowser.LaunchAsync(launch.Token);
    }

    [OneTimeTearDown]
    public async Task StopBrowserAndServer()
    {
        try
        {
            if (_browser is not null)
            {
                await _browser.DisposeAsync();
            }
        }
        finally
        {
            if (_chat is not null)
            {
                await _chat.DisposeAsync();
            }
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Two_pages_in_one_room_show_both_messages_in_the_same_order_and_the_member_count(
        CancellationToken cancellationToken)
    {
        var room = UniqueRoom();
        var alice = await OpenPageAsync(1024, 768, cancellationToken);
        var bob = await OpenPageAsync(390, 760, cancellationToken);
        await alice.JoinAsync(_server, "alice", room, cancellationToken);
        await bob.JoinAsync(_server, "bob", room, cancellationToken);
        await alice.WaitForMemberCountAsync(2, cancellationToken);
        await bob.WaitForMemberCountAsync(2, cancellationToken);

        // Both send before either waits, so the room, not the test, decides the order both pages must agree on.
        await alice.SendAsync("hello from alice <b>not bold</b>", cancellationToken);
        await bob.SendAsync("hi alice, bob here", cancellationToken);
        await alice.WaitForMessageCountAsync(2, cancellationToken);
        await bob.WaitForMessageCountAsync(2, cancellationToken);

        var seenByAlice = await alice.MessagesAsync(cancellationToken);
        var seenByBob = await bob.MessagesAsync(cancellationToken);
        var diagnostics = Browser.Diagnostics();
        Assert.Multiple(() =>
        {
            Assert.That(
                seenByAlice.Select(m => (m.Sender, m.Content)),
                Is.EquivalentTo(new[] { ("alice", "hello from alice <b>not bold</b>"), ("bob", "hi alice, bob here") }),
                diagnostics);
            Assert.That(seenByBob, Is.EqualTo(seenByAlice), diagnostics);
            Assert.That(seenByAlice.Select(m => m.Id), Is.Ordered.Using<string>(StringComparer.Ordinal), diagnostics);
            Assert.That(seenByAlice.Select(m => m.Time), Has.All.Not.Empty, diagnostics);
        });
        Assert.That(await alice.NoticesAsync(cancellationToken), Does.Contain("bob joined"), diagnostics);

        await bob.Page.CloseAsync(cancellationToken);
        await alice.WaitForMemberCountAsync(1, cancellationToken);
        Assert.That(await alice.NoticesAsync(cancellationToken), Does.Contain("bob left"), Browser.Diagnostics());
        await alice.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task An_over_long_message_shows_the_servers_error_and_the_page_still_sends(
        CancellationToken cancellationToken)
    {
        var carol = await OpenPageAsync(1024, 768, cancellationToken);
        await carol.JoinAsync(_server, "carol", UniqueRoom(), cancellationToken);

        var limit = _chat!.GetRequiredService<IOptions<ChatOptions>>().Value.MaxContentLength;
        await carol.SendAsync(new string('x', limit + 1), cancellationToken);
        await carol.WaitForErrorAsync("bad_request", cancellationToken);
        await carol.SendAsync("short enough", cancellationToken);
        // The echo can arrive before the ack; "sent" is shown only once the ack is in.
        await carol.WaitForOwnMessageAsync("short enough", "sent", echoed: true, cancellationToken);

        var messages = await carol.MessagesAsync(cancellationToken);
        var errors = await carol.ErrorsAsync(cancellationToken);
        var own = await carol.OwnMessagesAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(messages.Select(m => (m.Sender, m.Content)), Is.EqualTo(new[] { ("carol", "short enough") }));
            Assert.That(errors, Has.Exactly(1).StartWith("bad_request: ").And.Contains("was not sent"));
            Assert.That(own.Select(m => m.Delivery), Is.EquivalentTo(new[] { "sent", "failed" }), Browser.Diagnostics());
            Assert.That(own.Single(m => m.Delivery == "failed").Label, Does.StartWith("failed: bad_request: "));
        });
        await carol.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Load_older_pages_back_through_history_in_room_order(CancellationToken cancellationToken)
    {
        var room = UniqueRoom();
        // Two senders, each within the default burst of the rate limit, write more than one history page.
        var sent = new List<string>();
        foreach (var (user, count) in new[] { ("erin", 35), ("frank", 30) })
        {
            await using var writer = await _chat!.ConnectAndJoinAsync(user, room);
            var batch = Enumerable.Range(sent.Count, count).Select(i => $"message {i:00}").ToArray();
            foreach (var content in batch)
            {
                await writer.SendJsonAsync(new { type = "send", room_id = room, content });
            }

            await writer.ReceiveMessagesAsync(room, count);
            sent.AddRange(batch);
        }

        var grace = await OpenPageAsync(1024, 768, cancellationToken);
        await grace.JoinAsync(_server, "grace", room, cancellationToken);
        await grace.WaitForMessageCountAsync(50, cancellationToken);
        var firstPage = await grace.MessagesAsync(cancellationToken);
        await grace.LoadOlderAsync(cancellationToken);
        await grace.WaitForMessageCountAsync(sent.Count, cancellationToken);

        var all = await grace.MessagesAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(firstPage.Select(m => m.Content), Is.EqualTo(sent.TakeLast(50)), Browser.Diagnostics());
            Assert.That(all.Select(m => m.Content), Is.EqualTo(sent), Browser.Diagnostics());
        });
        Assert.That(await grace.CanLoadOlderAsync(cancellationToken), Is.False);
        await grace.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_connection_the_server_closes_shows_its_code_and_Reconnect_rejoins_with_history(
        CancellationToken cancellationToken)
    {
        var room = UniqueRoom();
        var heidi = await OpenPageAsync(1024, 768, cancellationToken);
        await heidi.JoinAsync(_server, "heidi", room, cancellationToken);
        await heidi.SendAsync("before the drop", cancellationToken);
        await heidi.WaitForMessageCountAsync(1, cancellationToken);

        // A frame past the size limit is closed with 1009 (message too big), not answered.
        var maxBytes = _chat!.GetRequiredService<IOptions<ChatOptions>>().Value.MaxMessageBytes;
        await heidi.SendAsync(new string('x', maxBytes + 1), cancellationToken);
        await heidi.WaitForStatusAsync("closed", cancellationToken);
        var closed = await heidi.StatusAsync(cancellationToken);

        await heidi.Page.FocusAsync("#reconnect", cancellationToken);
        await heidi.Page.PressEnterAsync(cancellationToken);
        // The rejoin empties the log, so the message shown afterwards came back as history.
        await heidi.WaitUntilJoinedAsync(cancellationToken);
        await heidi.WaitForMessageCountAsync(1, cancellationToken);

        var messages = await heidi.MessagesAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(closed[1], Does.Contain("1009"), Browser.Diagnostics());
            Assert.That(messages.Select(m => m.Content), Is.EqualTo(new[] { "before the drop" }));
        });
        await heidi.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_sent_message_shows_pending_at_once_and_sent_when_its_ack_arrives(CancellationToken cancellationToken)
    {
        var ivan = await OpenPageAsync(1024, 768, cancellationToken);
        await ivan.Page.AddScriptOnNewDocumentAsync(FrameGate.Script, cancellationToken);
        await ivan.JoinAsync(_server, "ivan", UniqueRoom(), cancellationToken);

        // The server's copy and its ack are held back: what shows is only what the page did on its own.
        await FrameGate.HoldAsync(ivan.Page, cancellationToken, "message", "ack");
        await ivan.SendAsync("on its way", cancellationToken);
        await FrameGate.WaitUntilHeldAsync(ivan.Page, 2, Deadline, cancellationToken);
        var beforeAnswer = await ivan.OwnMessagesAsync(cancellationToken);
        await FrameGate.ReleaseAsync(ivan.Page, cancellationToken);
        await ivan.WaitForOwnMessageAsync("on its way", "sent", echoed: true, cancellationToken);

        var afterAck = await ivan.OwnMessagesAsync(cancellationToken);
        var shown = await ivan.MessagesAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(beforeAnswer, Is.EqualTo(new[] { new OwnMessage("on its way", "pending", "", "sending…") }), Browser.Diagnostics());
            Assert.That(afterAck.Select(m => (m.Content, m.Delivery, m.Label)), Is.EqualTo(new[] { ("on its way", "sent", "sent") }));
            Assert.That(shown.Select(m => (m.Id, m.Content)), Is.EqualTo(new[] { (afterAck[0].Id, "on its way") }), "shown once, with the server's id");
        });
        await ivan.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Who_is_online_lists_each_name_once_even_with_two_tabs(CancellationToken cancellationToken)
    {
        var room = UniqueRoom();
        var judyTab1 = await OpenPageAsync(1024, 768, cancellationToken);
        var judyTab2 = await OpenPageAsync(1024, 768, cancellationToken);
        var ken = await OpenPageAsync(390, 760, cancellationToken);
        await judyTab1.JoinAsync(_server, "judy", room, cancellationToken);
        await judyTab2.JoinAsync(_server, "judy", room, cancellationToken);
        await ken.JoinAsync(_server, "ken", room, cancellationToken);
        await ken.WaitForOnlineAsync(["judy", "ken"], cancellationToken);
        await judyTab1.WaitForOnlineAsync(["judy", "ken"], cancellationToken);
        await judyTab1.WaitForMemberCountAsync(3, cancellationToken);

        // One of judy's tabs goes: judy is still online. Then the other goes: now she is not.
        await judyTab2.Page.CloseAsync(cancellationToken);
        await ken.WaitForMemberCountAsync(2, cancellationToken);
        await ken.WaitForOnlineAsync(["judy", "ken"], cancellationToken);
        await judyTab1.Page.CloseAsync(cancellationToken);
        await ken.WaitForMemberCountAsync(1, cancellationToken);
        await ken.WaitForOnlineAsync(["ken"], cancellationToken);
        await ken.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_message_is_mine_in_the_tab_that_sent_it_not_in_another_tab_with_the_same_name(
        CancellationToken cancellationToken)
    {
        var room = UniqueRoom();
        var tab1 = await OpenPageAsync(1024, 768, cancellationToken);
        var tab2 = await OpenPageAsync(1024, 768, cancellationToken);
        await tab1.JoinAsync(_server, "guest", room, cancellationToken);
        await tab2.JoinAsync(_server, "guest", room, cancellationToken);

        await tab1.SendAsync("from tab one", cancellationToken);
        await tab2.SendAsync("from tab two", cancellationToken);
        await tab1.WaitForMessageCountAsync(2, cancellationToken);
        await tab2.WaitForMessageCountAsync(2, cancellationToken);

        var mineInTab1 = await tab1.OwnMessagesAsync(cancellationToken);
        var mineInTab2 = await tab2.OwnMessagesAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(mineInTab1.Select(m => m.Content), Is.EqualTo(new[] { "from tab one" }), Browser.Diagnostics());
            Assert.That(mineInTab2.Select(m => m.Content), Is.EqualTo(new[] { "from tab two" }));
        });
        await tab1.Page.CloseAsync(cancellationToken);
        await tab2.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Web_addresses_become_safe_links_and_markup_or_script_urls_stay_text(CancellationToken cancellationToken)
    {
        var room = UniqueRoom();
        const string content =
            "see https://example.com/a?b=1&c=2. <script>window.pwned = 1</script>" +
            "<img src=x onerror=\"window.pwned = 2\"> javascript:window.pwned=3 <a href=\"javascript:window.pwned=4\">x</a>";
        var laura = await OpenPageAsync(1024, 768, cancellationToken);
        await laura.JoinAsync(_server, "laura", room, cancellationToken);
        await using (var mallory = await _chat!.ConnectAndJoinAsync("mallory", room))
        {
            await mallory.SendJsonAsync(new { type = "send", room_id = room, content });
            await laura.WaitForMessageCountAsync(1, cancellationToken);
        }

        var links = await laura.Page.EvaluateAsync<string[][]>(
            "[...document.querySelectorAll('#messages .content a')].map(a => [a.href, a.rel, a.target, a.textContent])",
            cancellationToken);
        var elements = await laura.Page.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('#messages .content *')].map(e => e.tagName)", cancellationToken);
        var pwned = await laura.Page.EvaluateAsync<bool>("'pwned' in window", cancellationToken);
        var shown = await laura.MessagesAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(
                links,
                Is.EqualTo(new[] { new[] { "https://example.com/a?b=1&c=2", "noopener noreferrer", "_blank", "https://example.com/a?b=1&c=2" } }),
                Browser.Diagnostics());
            Assert.That(elements, Is.EqualTo(new[] { "A" }), "nothing but the one link is an element");
            Assert.That(pwned, Is.False, "no script ran");
            Assert.That(shown.Single().Content, Is.EqualTo(content), "the text reads as it was sent");
        });
        await laura.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_presence_batch_shows_each_join_and_leave_and_the_final_count(CancellationToken cancellationToken)
    {
        // A long window, so that the joins after the first wait in one batch however slow the machine is; the message
        // at the end sends it.
        await using var chat = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:PresenceBatchWindow"] = "00:00:05" });
        var room = UniqueRoom();
        var nina = await OpenPageAsync(1024, 768, cancellationToken);
        await nina.JoinAsync(chat.BaseUri, "nina", room, cancellationToken);
        var others = new List<ChatClient>();
        try
        {
            foreach (var name in new[] { "b0", "b1", "b2", "b3" })
            {
                others.Add(await chat.ConnectAndJoinAsync(name, room));
            }

            await others[3].SendJsonAsync(new { type = "leave", room_id = room });
            await others[3].ReceiveTypeAsync("left", room);
            await others[0].SendJsonAsync(new { type = "send", room_id = room, content = "after the burst" });
            await nina.WaitForMessageCountAsync(1, cancellationToken);
            await nina.WaitForMemberCountAsync(4, cancellationToken);

            var notices = await nina.NoticesAsync(cancellationToken);
            Assert.That(notices, Is.EqualTo(new[] { "b0 joined", "b1 joined", "b2 joined", "b3 joined", "b3 left" }), Browser.Diagnostics());
            await nina.WaitForOnlineAsync(["nina", "b0", "b1", "b2"], cancellationToken);
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync();
            }
        }

        await nina.Page.CloseAsync(cancellationToken);
    }

    /// <summary>A chat page in its own browser context; narrow widths get the phone layout.</summary>
    private async Task<ChatPage> OpenPageAsync(int width, int height, CancellationToken cancellationToken) =>
        new(await Browser.OpenPageAsync(width, height, cancellationToken), Deadline);

    private HeadlessBrowser Browser => _browser ?? throw new InvalidOperationException("the browser did not start");

    private static string UniqueRoom() => $"browser-{Guid.NewGuid():N}"[..20];
}
