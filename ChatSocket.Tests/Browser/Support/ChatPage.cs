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
        await Page.NavigateAsync(server, deadline, cancellationToken);
        await Page.FillAsync("#name", name, cancellationToken);
        await Page.FillAsync("#room", room, cancellationToken);
        await Page.PressEnterAsync(cancellationToken);
        await WaitUntilJoinedAsync(cancellationToken);
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
