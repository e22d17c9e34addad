using ChatSocket.Messages;
using ChatSocket.Persistence;
using ChatSocket.Tests.Support;
using MongoDB.Bson;

namespace ChatSocket.Tests.Search;

/// <summary>
/// The search and statistics pipelines the server runs (taken from Persistence, not rewritten here) use the server's
/// indexes: explain, through the driver against the server's own database, shows no collection scan. On the embedded
/// engine, or on a real MongoDB when MONGODB_URI is set.
/// </summary>
[TestFixture]
public sealed class IndexUseTests
{
    private static readonly DateTime From = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAndSeed()
    {
        _server = await ChatServer.StartAsync();
        await ServerDatabase.WaitForIndexesAsync(_server);
        await ServerDatabase.InsertAsync(_server, Enumerable.Range(0, 50).Select(i => ("r" + (i % 5), "s" + (i % 7), "deploy friday number " + i, From.AddMinutes(i))));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private async Task<List<BsonDocument>> PlanAsync(BsonDocument[] pipeline)
    {
        var explain = await ServerDatabase.ExplainAsync(_server, pipeline);
        var stages = ExplainPlan.Stages(explain).ToList();
        Assert.That(stages, Is.Not.Empty, explain.ToJson());
        Assert.That(stages.Select(s => s["stage"].AsString), Has.None.EqualTo("COLLSCAN"), explain.ToJson());
        return stages;
    }

    private static TextQuery Query(string q)
    {
        Assert.That(TextQuery.TryParse(q, 200, 10, out var query, out var error), Is.True, error);
        return query!;
    }

    private static bool Scans(List<BsonDocument> stages, string index) =>
        stages.Exists(s => s["stage"] == "IXSCAN" && s.GetValue("indexName", "") == index);

    [Test]
    public async Task Listing_a_senders_client_msg_ids_scans_the_unique_index()
    {
        var plan = await PlanAsync([new BsonDocument("$match", ClientMsgIdFilter.AllOf("r1", "s1"))]);

        Assert.That(Scans(plan, MessageStore.ClientMsgIdIndex), Is.True, string.Join(", ", plan.Select(s => s.ToJson())));
    }

    [Test]
    public async Task Search_and_its_next_page_use_the_text_index()
    {
        var first = await PlanAsync(MessageSearch.Pipeline("r1", Query("deploy friday"), null, 20));
        var next = await PlanAsync(MessageSearch.Pipeline("r1", Query("deploy friday"), (1.5, ObjectId.GenerateNewId()), 20));
        var cursor = await PlanAsync(MessageSearch.CursorPipeline("r1", Query("deploy"), ObjectId.GenerateNewId()));

        Assert.That(Scans(first, MessageStore.SearchIndex) && first.Exists(s => s["stage"] == "TEXT_MATCH"), Is.True);
        Assert.That(Scans(next, MessageStore.SearchIndex), Is.True);
        Assert.That(Scans(cursor, MessageStore.SearchIndex), Is.True);
    }

    [Test]
    public async Task Room_statistics_use_the_room_and_time_index()
    {
        var to = From.AddDays(1);
        BsonDocument[][] pipelines =
        [
            MessageStats.BucketsPipeline("r1", From, to, StatsBucket.Hour),
            MessageStats.TopSendersPipeline("r1", From, to, 10),
            MessageStats.SenderCountPipeline("r1", From, to),
            MessageStats.BusiestHourPipeline("r1", From, to),
        ];

        foreach (var pipeline in pipelines)
        {
            Assert.That(Scans(await PlanAsync(pipeline), MessageStore.StatsIndex), Is.True, pipeline[1].ToJson());
        }
    }

    [Test]
    public async Task Statistics_across_rooms_use_the_time_index()
    {
        var to = From.AddDays(1);

        Assert.That(Scans(await PlanAsync(MessageStats.TopRoomsPipeline(From, to, 10)), MessageStore.TimestampIndex), Is.True);
        Assert.That(Scans(await PlanAsync(MessageStats.CountPipeline(From, to)), MessageStore.TimestampIndex), Is.True);
    }
}
