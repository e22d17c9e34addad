using ChatSocket.Tests.Browser.Support;
using ChatSocket.Tests.Search;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Browser;

/// <summary>The page's search box and activity chart in headless Chromium against the real server.</summary>
[TestFixture]
internal sealed class SearchPageTests : HeadlessBrowserFixture
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private ChatServer _chat = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _chat = await ChatServer.StartAsync();
        await ServerDatabase.WaitForIndexesAsync(_chat);
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _chat.DisposeAsync();

    [Test]
    [CancelAfter(30_000)]
    public async Task A_search_highlights_the_words_as_text_and_a_click_shows_the_messages_around_the_result(CancellationToken cancellationToken)
    {
        var room = $"search-{Guid.NewGuid():N}"[..20];
        var start = DateTime.UtcNow.AddHours(-3);
        string[] contents =
        [
            "one", "two", "three",
            "We <b>Deploy</b> on Friday, déploy early",
            "four", "five", "six", "seven",
            "deploy only",
        ];
        await ServerDatabase.InsertAsync(_chat, contents.Select((c, i) => (room, "ann", c, start.AddMinutes(i))));
        var page = new ChatPage(await Browser.OpenPageAsync(1024, 768, cancellationToken), Deadline);
        await page.JoinAsync(_chat.BaseUri, "zoe", room, cancellationToken);

        await page.Page.FillAsync("#search-q", "deploy friday -staging", cancellationToken);
        await page.Page.PressEnterAsync(cancellationToken);
        await page.Page.WaitForAsync("document.querySelectorAll('#search-list li.result').length === 1", "one search result", Deadline, cancellationToken);
        var result = await page.Page.EvaluateAsync<string[][]>(
            "(c => [[c.textContent], [...c.querySelectorAll('mark')].map(m => m.textContent), [...c.querySelectorAll('*')].map(e => e.tagName)])" +
            "(document.querySelector('#search-list li.result .content'))",
            cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result[0], Is.EqualTo(new[] { contents[3] }), "the content reads as stored, tags as text");
            Assert.That(result[1], Is.EqualTo(new[] { "Deploy", "Friday", "déploy" }), "every occurrence of every word, in any case and accent");
            Assert.That(result[2], Has.All.EqualTo("MARK"), "nothing but marks is an element");
        });

        await page.Page.FocusAsync("#search-list li.result button", cancellationToken);
        await page.Page.PressEnterAsync(cancellationToken);
        await page.Page.WaitForAsync("document.getElementById('search-context').dataset.complete === 'true'", "the result's surroundings", Deadline, cancellationToken);
        var around = await page.Page.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('#search-context li.message')].map(li => (li.classList.contains('hit') ? '*' : '') + li.querySelector('.content').textContent)",
            cancellationToken);

        Assert.That(around, Is.EqualTo(new[] { "one", "two", "three", "*" + contents[3], "four", "five", "six" }), Browser.Diagnostics());
        await page.Page.CloseAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task The_activity_chart_draws_one_bar_per_hour_of_the_last_day_from_the_rooms_statistics(CancellationToken cancellationToken)
    {
        var room = $"chart-{Guid.NewGuid():N}"[..20];
        var now = DateTime.UtcNow;
        // 3 messages two hours ago, 1 five hours ago, 1 two days ago (outside the chart).
        (int HoursAgo, string Content)[] seed = [(2, "a"), (2, "b"), (2, "c"), (5, "d"), (48, "old")];
        await ServerDatabase.InsertAsync(_chat, seed.Select(s => (room, "ann", s.Content, now.AddHours(-s.HoursAgo))));
        var page = new ChatPage(await Browser.OpenPageAsync(1024, 768, cancellationToken), Deadline);
        await page.JoinAsync(_chat.BaseUri, "yan", room, cancellationToken);

        await page.Page.WaitForAsync("document.querySelectorAll('#activity svg rect').length >= 24", "the activity chart", Deadline, cancellationToken);
        var counts = await page.Page.EvaluateAsync<int[]>(
            "[...document.querySelectorAll('#activity svg rect')].map(r => Number(r.dataset.count))", cancellationToken);
        var caption = await page.Page.EvaluateAsync<string>("document.getElementById('activity-caption').textContent", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(counts, Has.Length.InRange(24, 25));
            Assert.That(counts.Sum(), Is.EqualTo(4), Browser.Diagnostics());
            Assert.That(counts.Max(), Is.EqualTo(3));
            Assert.That(Array.IndexOf(counts, 3), Is.GreaterThan(Array.IndexOf(counts, 1)), "older hours on the left");
            Assert.That(caption, Does.StartWith("4 messages"));
        });
        await page.Page.CloseAsync(cancellationToken);
    }
}
