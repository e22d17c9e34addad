using System.Net;
using ChatSocket.LoadTest.Options;
using ChatSocket.LoadTest.Protocol;
using ChatSocket.LoadTest.Runner;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Tests.LoadTest;

/// <summary>
/// The persistence check against a real Kestrel history endpoint shaped like issue 4's
/// (<c>GET /api/rooms/{room}/messages?limit=&amp;before=</c>, newest page first), and against a server without one.
/// </summary>
[TestFixture]
public sealed class HistoryApiCheckTests
{
    [Test]
    public async Task Every_stored_message_is_counted_once_across_pages_and_rooms()
    {
        var stored = new Dictionary<string, List<(string Id, string Content)>>
        {
            ["p-r0"] = Messages(0, 450),
            ["p-r1"] = Messages(1000, 7),
        };
        await using var app = await StartAsync(stored);

        var report = await new HistoryApiCheck(new RunState(Options(app), 2)).RunAsync(457, 457, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(report.Checked, Is.True);
            Assert.That(report.Persisted, Is.EqualTo(457));
            Assert.That(report.Note, Is.Null);
            Assert.That(report.Requests, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task A_server_without_a_history_api_is_skipped_with_a_note()
    {
        await using var app = await StartAsync(stored: null);

        var report = await new HistoryApiCheck(new RunState(Options(app), 2)).RunAsync(10, 0, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(report.Checked, Is.False);
        Assert.That(report.Note, Does.Contain("404"));
    }

    private static LoadOptions Options(WebApplication app) => new()
    {
        Url = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"),
        Rooms = 2,
        RoomPrefix = "p",
        Progress = false,
    };

    private static List<(string Id, string Content)> Messages(int first, int count)
    {
        var list = new List<(string, string)>();
        for (var i = first; i < first + count; i++)
        {
            var marker = new byte[PayloadMarker.Length];
            PayloadMarker.Write(marker, i % 7, (uint)i, 1000 + i);
            list.Add((i.ToString("x24"), System.Text.Encoding.ASCII.GetString(marker) + "xxxx"));
        }

        return list;
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, List<(string Id, string Content)>>? stored)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        if (stored is not null)
        {
            app.MapGet("/api/rooms/{room}/messages", (string room, int limit, string? before) =>
            {
                var all = stored.TryGetValue(room, out var list) ? list : [];
                var page = all.Where(m => before is null || string.CompareOrdinal(m.Id, before) < 0).OrderByDescending(m => m.Id, StringComparer.Ordinal)
                    .Take(limit).OrderBy(m => m.Id, StringComparer.Ordinal)
                    .Select(m => new Dictionary<string, string> { ["id"] = m.Id, ["room_id"] = room, ["content"] = m.Content });
                return TypedResults.Ok(new Dictionary<string, object> { ["messages"] = page.ToList(), ["has_more"] = false });
            });
        }

        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return app;
    }
}
