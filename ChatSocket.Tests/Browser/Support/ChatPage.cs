namespace ChatSocket.Tests.Browser.Support;

/// <summary>
/// The chat page (wwwroot/index.html) as a person uses it: fields filled by typing, forms sent with Enter, and what
/// is on screen read back. Waits poll the page until the condition holds or the deadline passes.
/// </summary>
internal sealed class ChatPage(BrowserPage page, TimeSpan deadline)
{
    public BrowserPage Page { get; } = page;

    /// <summary>Opens the page, types a name and a room, presses Enter and waits until the room is joined.</summary>
    public async Task JoinAsync(Uri server, string name, string room, CancellationToken cancellationToken)
    {
        await EnterRoomAsync(server, name, room, cancellationToken);
        await WaitUntilJoinedAsync(cancellationToken);
    }

    /// <summary>Opens the page, types a name and a room and presses Enter, without waiting for the server.</summary>
    public async Task EnterRoomAsync(Uri server, string name, string room, CancellationToken cancellationToken)
    {
        await Page.NavigateAsync(server, deadline, cancellationToken);
        await Page.FillAsync("#name", name, cancellationToken);
        await Page.FillAsync("#room", room, cancellationToken);
        await Page.PressEnterAsync(cancellationToken);
    }

    /// <summary>Opens <paramref name="pageUrl"/> (which may carry <c>?token=</c>), types a name, a token (unless null)
    /// and a room and presses Enter, without waiting for the server.</summary>
    public async Task EnterRoomWithTokenAsync(Uri pageUrl, string name, string? token, string room, CancellationToken cancellationToken)
    {
        await Page.NavigateAsync(pageUrl, deadline, cancellationToken);
        await Page.FillAsync("#name", name, cancellationToken);
        if (token is not null)
        {
            await Page.FillAsync("#token", token, cancellationToken);
        }

        await Page.FillAsync("#room", room, cancellationToken);
        await Page.PressEnterAsync(cancellationToken);
    }

    /// <summary>Waits until the server has confirmed the join: only then does the page enable and focus the composer.</summary>
    public Task WaitUntilJoinedAsync(CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            "document.getElementById('status').dataset.state === 'open' && " +
            "!document.getElementById('message').disabled && " +
            "document.activeElement === document.getElementById('message')",
            "the page to join its room",
            deadline,
            cancellationToken);

    /// <summary>Types into the message field and presses Enter.</summary>
    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        await Page.FocusAsync("#message", cancellationToken);
        await Page.TypeAsync(text, cancellationToken);
        await Page.PressEnterAsync(cancellationToken);
    }

    /// <summary>Waits for the "load older" button, focuses it and presses Enter, as a keyboard user would.</summary>
    public async Task LoadOlderAsync(CancellationToken cancellationToken)
    {
        await Page.WaitForAsync(
            "(b => b.checkVisibility() && !b.disabled)(document.getElementById('load-older'))",
            "the load older button",
            deadline,
            cancellationToken);
        await Page.FocusAsync("#load-older", cancellationToken);
        await Page.PressEnterAsync(cancellationToken);
    }

    public Task<bool> CanLoadOlderAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<bool>("document.getElementById('load-older').checkVisibility()", cancellationToken);

    /// <summary>The connection indicator: its state (idle, connecting, open, closed) and its text.</summary>
    public Task<string[]> StatusAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<string[]>(
            "(s => [s.dataset.state, s.textContent])(document.getElementById('status'))", cancellationToken);

    public Task WaitForStatusAsync(string state, CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            $"document.getElementById('status').dataset.state === {BrowserPage.Js(state)}",
            $"the connection status {state}",
            deadline,
            cancellationToken);

    public Task<ShownMessage[]> MessagesAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<ShownMessage[]>(
            "[...document.querySelectorAll('#messages li.message')].map(li => ({ id: li.dataset.id, " +
            "sender: li.querySelector('.sender').textContent, content: li.querySelector('.content').textContent, " +
            "time: li.querySelector('time').textContent }))",
            cancellationToken);

    /// <summary>The visible lines between messages, such as "bob joined".</summary>
    public Task<string[]> NoticesAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('#messages li.notice')].map(li => li.textContent)", cancellationToken);

    /// <summary>Error banners as "code: text", only those a person can see.</summary>
    public Task<string[]> ErrorsAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('#errors li.error')].filter(li => li.checkVisibility())" +
            ".map(li => li.querySelector('.code').textContent + ': ' + li.querySelector('.text').textContent)",
            cancellationToken);

    /// <summary>What this page sent, in the room's log or still waiting below it, with the delivery state it shows
    /// (pending, sent, failed) and the server's id once the server's copy arrived.</summary>
    public Task<OwnMessage[]> OwnMessagesAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<OwnMessage[]>(
            "[...document.querySelectorAll('#messages li.message.mine, #outbox li.message.mine')].map(li => ({ " +
            "content: li.querySelector('.content').textContent, delivery: li.dataset.delivery ?? '', " +
            "id: li.dataset.id ?? '', label: li.querySelector('.delivery').textContent }))",
            cancellationToken);

    /// <summary>Waits until an own message with this content shows <paramref name="delivery"/>; with
    /// <paramref name="echoed"/>, also that the server's copy replaced the pending one.</summary>
    public Task WaitForOwnMessageAsync(string content, string delivery, bool echoed, CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            $"[...document.querySelectorAll({BrowserPage.Js(echoed ? "#messages li.message.mine" : "li.message.mine")})]" +
            $".some(li => li.querySelector('.content').textContent === {BrowserPage.Js(content)} && " +
            $"li.dataset.delivery === {BrowserPage.Js(delivery)})",
            $"own message \"{content}\" {delivery}",
            deadline,
            cancellationToken);

    public Task WaitForMessageAsync(string content, CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            "[...document.querySelectorAll('#messages li.message .content')]" +
            $".some(c => c.textContent === {BrowserPage.Js(content)})",
            $"the message \"{content}\"",
            deadline,
            cancellationToken);

    /// <summary>The names the page lists as online.</summary>
    public Task<string[]> OnlineAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('#online li:not(.more)')].map(li => li.textContent)", cancellationToken);

    public Task WaitForOnlineAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var expected = string.Join(",", names.Order(StringComparer.Ordinal));
        return Page.WaitForAsync(
            "[...document.querySelectorAll('#online li:not(.more)')].map(li => li.textContent)" +
            $".sort().join(',') === {BrowserPage.Js(expected)}",
            $"the page to list online: {expected}",
            deadline,
            cancellationToken);
    }

    /// <summary>The connection banner (kind and text), or null when none is shown.</summary>
    public Task<string[]> BannerAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<string[]>(
            "(b => b.checkVisibility() ? [b.dataset.kind, b.textContent] : [])(document.getElementById('banner'))",
            cancellationToken);

    public Task WaitForBannerAsync(string kind, CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            $"(b => b.checkVisibility() && b.dataset.kind === {BrowserPage.Js(kind)})(document.getElementById('banner'))",
            $"the {kind} banner",
            deadline,
            cancellationToken);

    public Task WaitForStatusTextAsync(string prefix, CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            $"document.getElementById('status').textContent.startsWith({BrowserPage.Js(prefix)})",
            $"the status to read \"{prefix}…\"",
            deadline,
            cancellationToken);

    /// <summary>Whether the empty log says "No messages yet." (the ::before text of the message list).</summary>
    public Task<bool> SaysRoomIsEmptyAsync(CancellationToken cancellationToken) =>
        Page.EvaluateAsync<bool>(
            "getComputedStyle(document.getElementById('messages'), '::before').content.includes('No messages yet')",
            cancellationToken);

    public Task WaitForMessageCountAsync(int count, CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            $"document.querySelectorAll('#messages li.message').length >= {count}",
            $"{count} messages on the page",
            deadline,
            cancellationToken);

    public Task WaitForMemberCountAsync(int count, CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            $"document.getElementById('member-count').textContent === '{count}'",
            $"the page to show {count} members",
            deadline,
            cancellationToken);

    public Task WaitForErrorAsync(string code, CancellationToken cancellationToken) =>
        Page.WaitForAsync(
            $"[...document.querySelectorAll('#errors li.error')].some(li => li.dataset.code === {BrowserPage.Js(code)} " +
            "&& li.checkVisibility())",
            $"a visible {code} error",
            deadline,
            cancellationToken);
}
