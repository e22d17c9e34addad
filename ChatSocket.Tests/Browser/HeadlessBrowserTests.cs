using ChatSocket.Tests.Browser.Support;

namespace ChatSocket.Tests.Browser;

/// <summary>The DevTools driver itself, on a static page, so that a failure here is not blamed on the chat page.</summary>
[TestFixture]
internal sealed class HeadlessBrowserTests : HeadlessBrowserFixture
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Test]
    [CancelAfter(30_000)]
    public async Task Typing_into_a_field_and_pressing_Enter_submits_its_form(CancellationToken cancellationToken)
    {
        var page = await Browser.OpenPageAsync(800, 600, cancellationToken);
        const string html =
            "<form id=f><label for=q>q</label><input id=q></form><ol id=out></ol><script>" +
            "f.addEventListener('submit', e => { e.preventDefault(); const li = document.createElement('li');" +
            " li.textContent = q.value; out.append(li); q.value = ''; });</script>";
        await page.NavigateAsync(new Uri("data:text/html," + Uri.EscapeDataString(html)), Deadline, cancellationToken);

        await page.FillAsync("#q", "first <b>line</b>", cancellationToken);
        await page.PressEnterAsync(cancellationToken);
        await page.FillAsync("#q", "second", cancellationToken);
        await page.PressEnterAsync(cancellationToken);
        await page.WaitForAsync("out.children.length === 2", "two submitted lines", Deadline, cancellationToken);

        var lines = await page.EvaluateAsync<string[]>(
            "[...out.children].map(li => li.textContent)", cancellationToken);
        Assert.That(lines, Is.EqualTo(new[] { "first <b>line</b>", "second" }), Browser.Diagnostics());
        await page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_script_that_throws_is_reported_with_its_error(CancellationToken cancellationToken)
    {
        var page = await Browser.OpenPageAsync(800, 600, cancellationToken);

        Assert.That(
            async () => await page.EvaluateAsync("(() => { throw new Error('boom'); })()", cancellationToken),
            Throws.TypeOf<DevToolsException>().With.Message.Contains("boom"));
        await page.CloseAsync(cancellationToken);
    }
}
