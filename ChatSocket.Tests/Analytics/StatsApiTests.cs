using System.Net;
using System.Text.Json;
using ChatSocket.Tests.Search;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Analytics;

/// <summary>GET /api/rooms/{room_id}/stats and GET /api/stats over messages stored at chosen times.</summary>
[TestFixture]
public sealed class StatsApiTests
{
    private static readonly DateTime Day = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAndSeed()
    {
        _server = await ChatServer.StartAsync();
        await ServerDatabase.WaitForIndexesAsync(_server);
        (string Room, string Sender, int Hour, int Minute)[] seed =
        [
            ("ops", "ann", 9, 5), ("ops", "bob", 9, 50), ("ops", "ann", 9, 59), ("ops", "ann", 10, 0), ("ops", "cid", 10, 30),
            ("ops", "bob", 25, 10), ("dev", "dan", 9, 0), ("dev", "dan", 9, 1), ("ops", "ann", -2, 0),
        ];
        await ServerDatabase.InsertAsync(_server, seed.Select(s => (s.Room, s.Sender, "hi", Day.AddHours(s.Hour).AddMinutes(s.Minute))));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => HttpAnswer.GetAsync(_server, path);

    private static string Range(DateTime from, DateTime to) => $"from={from:yyyy-MM-ddTHH:mm:ssZ}&to={to:yyyy-MM-ddTHH:mm:ssZ}";

    [Test]
    public async Task Hour_buckets_count_messages_and_active_senders_with_empty_hours_as_zero()
    {
        var (status, stats) = await GetAsync($"/api/rooms/ops/stats?{Range(Day, Day.AddDays(1))}&bucket=hour");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), stats.ToString());
        var buckets = stats.GetProperty("buckets").EnumerateArray().ToList();
        Assert.That(buckets, Has.Count.EqualTo(24));
        Assert.That(buckets[9].GetProperty("start").GetString(), Is.EqualTo("2026-11-20T09:00:00.000Z"));
        Assert.That((buckets[9].GetProperty("messages").GetInt64(), buckets[9].GetProperty("active_senders").GetInt64()), Is.EqualTo((3L, 2L)));
        Assert.That((buckets[10].GetProperty("messages").GetInt64(), buckets[10].GetProperty("active_senders").GetInt64()), Is.EqualTo((2L, 2L)));
        Assert.That(buckets.Sum(b => b.GetProperty("messages").GetInt64()), Is.EqualTo(5));
        Assert.That(stats.GetProperty("messages").GetInt64(), Is.EqualTo(5));
        Assert.That(stats.GetProperty("senders").GetInt64(), Is.EqualTo(3));
        Assert.That(stats.GetProperty("bucket").GetString(), Is.EqualTo("hour"));
    }

    [Test]
    public async Task Day_buckets_top_senders_and_the_busiest_hour()
    {
        var (_, stats) = await GetAsync($"/api/rooms/ops/stats?{Range(Day.AddDays(-1), Day.AddDays(2))}&bucket=day");

        Assert.That(stats.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("messages").GetInt64()), Is.EqualTo(new[] { 1L, 5, 1 }));
        Assert.That(
            stats.GetProperty("top_senders").EnumerateArray().Select(s => (s.GetProperty("sender").GetString(), s.GetProperty("messages").GetInt64())),
            Is.EqualTo(new[] { ("ann", 4L), ("bob", 2L), ("cid", 1L) }));
        Assert.That(stats.GetProperty("busiest_hour").GetProperty("hour").GetInt32(), Is.EqualTo(9));
        Assert.That(stats.GetProperty("busiest_hour").GetProperty("messages").GetInt64(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_quiet_range_has_zero_buckets_and_no_busiest_hour()
    {
        var (_, stats) = await GetAsync($"/api/rooms/ops/stats?{Range(Day.AddDays(5), Day.AddDays(5).AddHours(3))}");

        Assert.That(stats.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("messages").GetInt64()), Is.EqualTo(new[] { 0L, 0, 0 }));
        Assert.That(stats.GetProperty("busiest_hour").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(stats.GetProperty("top_senders").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Without_a_range_the_last_24_hours_in_hour_buckets()
    {
        var (status, stats) = await GetAsync("/api/rooms/ops/stats");
        var from = DateTime.Parse(stats.GetProperty("from").GetString()!, null, System.Globalization.DateTimeStyles.RoundtripKind);
        var to = DateTime.Parse(stats.GetProperty("to").GetString()!, null, System.Globalization.DateTimeStyles.RoundtripKind);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(to - from, Is.EqualTo(TimeSpan.FromDays(1)));
        Assert.That(stats.GetProperty("bucket").GetString(), Is.EqualTo("hour"));
        Assert.That(stats.GetProperty("buckets").GetArrayLength(), Is.InRange(24, 25));
    }

    [Test]
    public async Task Top_rooms_across_the_server()
    {
        var (status, stats) = await GetAsync($"/api/stats?{Range(Day, Day.AddDays(2))}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), stats.ToString());
        Assert.That(stats.GetProperty("messages").GetInt64(), Is.EqualTo(8));
        Assert.That(
            stats.GetProperty("top_rooms").EnumerateArray().Select(r => (r.GetProperty("room_id").GetString(), r.GetProperty("messages").GetInt64())),
            Is.EqualTo(new[] { ("ops", 6L), ("dev", 2L) }));
    }

    [TestCase("/api/rooms/ops/stats?bucket=week", "bucket")]
    [TestCase("/api/rooms/ops/stats?from=yesterday", "from")]
    [TestCase("/api/rooms/ops/stats?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", "from")]
    [TestCase("/api/rooms/ops/stats?from=2025-01-01T00:00:00Z&to=2026-11-20T00:00:00Z&bucket=day", "to")]
    [TestCase("/api/rooms/ops/stats?from=2026-01-01T00:00:00Z&to=2026-11-20T00:00:00Z&bucket=hour", "bucket")]
    [TestCase("/api/rooms/bad%20room/stats", "room_id")]
    [TestCase("/api/stats?to=never", "to")]
    public async Task Bad_parameters_are_a_problem_naming_them(string path, string field)
    {
        var (status, problem) = await GetAsync(path);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToString());
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }
}
