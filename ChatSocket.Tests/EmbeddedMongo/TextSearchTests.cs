using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// $text with a version 3 text index, default_language "none", as MongoDB documents it
/// (reference/operator/query/text): terms ORed, phrases ANDed, -word excludes, case and diacritic insensitive.
/// </summary>
public sealed class TextSearchTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static IMongoCollection<BsonDocument> _messages = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _messages = MongoTarget.NewCollection("text");
        await _messages.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            new BsonDocument { { "room_id", 1 }, { "content", "text" } },
            new CreateIndexOptions { DefaultLanguage = "none" })).WaitAsync(Deadline);
        await _messages.InsertManyAsync(
        [
            Message(1, "r1", "We deploy on Friday"),
            Message(2, "r1", "deploy friday, deploy often, deploy now"),
            Message(3, "r1", "Friday lunch at the café"),
            Message(4, "r1", "Let's go to the Cafe"),
            Message(5, "r1", "pre-market deploy notes today"),
            Message(6, "r2", "deploy friday in room two"),
            Message(7, "r1", "nothing to see"),
            Message(8, "r1", "deploy"),
        ]).WaitAsync(Deadline);
    }

    private static BsonDocument Message(int id, string room, string content) =>
        new() { { "_id", id }, { "room_id", room }, { "content", content } };

    private static async Task<List<int>> IdsAsync(string search, bool caseSensitive = false, bool diacriticSensitive = false)
    {
        var text = new BsonDocument { { "$search", search }, { "$caseSensitive", caseSensitive }, { "$diacriticSensitive", diacriticSensitive } };
        var found = await _messages.Find(new BsonDocument { { "room_id", "r1" }, { "$text", text } }).ToListAsync().WaitAsync(Deadline);
        return [.. found.Select(d => d["_id"].AsInt32).Order()];
    }

    [Test]
    public async Task Loose_terms_are_ORed()
    {
        Assert.That(await IdsAsync("lunch cafe"), Is.EqualTo(new[] { 3, 4 }));
    }

    [Test]
    public async Task A_phrase_must_appear_and_loose_terms_then_only_score()
    {
        Assert.That(await IdsAsync("\"deploy friday\""), Is.EqualTo(new[] { 2 }));
        Assert.That(await IdsAsync("\"deploy friday\" lunch"), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public async Task Every_phrase_must_appear()
    {
        Assert.That(await IdsAsync("\"deploy friday\" \"deploy now\""), Is.EqualTo(new[] { 2 }));
        Assert.That(await IdsAsync("\"deploy friday\" \"friday lunch\""), Is.Empty);
    }

    [Test]
    public async Task A_negated_term_excludes_and_a_hyphen_inside_a_word_only_delimits()
    {
        Assert.That(await IdsAsync("deploy -friday"), Is.EqualTo(new[] { 5, 8 }));
        Assert.That(await IdsAsync("pre-market"), Is.EqualTo(new[] { 5 }));
        Assert.That(await IdsAsync("-friday"), Is.Empty);
    }

    [Test]
    public async Task Case_and_diacritics_are_ignored_unless_asked_for()
    {
        Assert.That(await IdsAsync("Café"), Is.EqualTo(new[] { 3, 4 }));
        Assert.That(await IdsAsync("CAFE"), Is.EqualTo(new[] { 3, 4 }));
        Assert.That(await IdsAsync("café", diacriticSensitive: true), Is.EqualTo(new[] { 3 }));
        Assert.That(await IdsAsync("Cafe", caseSensitive: true), Is.EqualTo(new[] { 4 }));
    }

    [Test]
    public async Task The_room_equality_keeps_other_rooms_out_and_is_required_by_the_compound_index()
    {
        var other = await _messages.Find(new BsonDocument { { "room_id", "r2" }, { "$text", new BsonDocument("$search", "\"deploy friday\"") } }).ToListAsync().WaitAsync(Deadline);

        Assert.That(other.Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 6 }));
        Assert.ThrowsAsync<MongoCommandException>(() =>
            _messages.Find(new BsonDocument("$text", new BsonDocument("$search", "deploy"))).ToListAsync().WaitAsync(Deadline));
    }

    [Test]
    public async Task The_text_score_ranks_more_occurrences_and_shorter_messages_first()
    {
        var score = new BsonDocument("$meta", "textScore");
        var found = await _messages.Find(new BsonDocument { { "room_id", "r1" }, { "$text", new BsonDocument("$search", "deploy") } })
            .Project(new BsonDocument("score", score)).Sort(new BsonDocument("score", score)).ToListAsync().WaitAsync(Deadline);

        // Three occurrences in six words, "deploy" alone, then one in four words, then one in five words.
        Assert.That(found.Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 8, 2, 1, 5 }).Or.EqualTo(new[] { 2, 8, 1, 5 }));
        Assert.That(found[0]["score"].AsDouble, Is.GreaterThan(found[2]["score"].AsDouble));
        Assert.That(found[2]["score"].AsDouble, Is.GreaterThan(found[3]["score"].AsDouble));
        Assert.That(found[0]["content"].IsString, Is.True, "a $meta-only projection keeps the fields");
    }

    [Test]
    public async Task Aggregation_sorts_and_projects_on_the_text_score()
    {
        var score = new BsonDocument("$meta", "textScore");
        var result = await (await _messages.AggregateAsync<BsonDocument>(new[]
        {
            new BsonDocument("$match", new BsonDocument { { "room_id", "r1" }, { "$text", new BsonDocument("$search", "friday lunch") } }),
            new BsonDocument("$sort", new BsonDocument { { "score", score }, { "_id", -1 } }),
            new BsonDocument("$project", new BsonDocument { { "_id", 1 }, { "score", score } }),
        }).WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);

        Assert.That(result[0]["_id"].AsInt32, Is.EqualTo(3), "both terms");
        Assert.That(result.Select(d => d["_id"].AsInt32).Order(), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(result.TrueForAll(d => d["score"].AsDouble > 0 && d.ElementCount == 2), Is.True);
    }

    [Test]
    public void Text_without_a_text_index_is_error_27()
    {
        var plain = MongoTarget.NewCollection("notext");
        plain.InsertOne(new BsonDocument("content", "deploy"));

        var error = Assert.ThrowsAsync<MongoCommandException>(() =>
            plain.Find(new BsonDocument("$text", new BsonDocument("$search", "deploy"))).ToListAsync().WaitAsync(Deadline));

        Assert.That(error!.Code, Is.EqualTo(27));
        Assert.That(error.Message, Does.Contain("text index required for $text query"));
    }

    [Test]
    public async Task ListIndexes_shows_the_text_index_as_MongoDB_does()
    {
        var indexes = await (await _messages.Indexes.ListAsync().WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);
        var text = indexes.Single(i => i["name"] == "room_id_1_content_text");

        Assert.That(text["key"], Is.EqualTo(new BsonDocument { { "room_id", 1 }, { "_fts", "text" }, { "_ftsx", 1 } }));
        Assert.That(text["weights"], Is.EqualTo(new BsonDocument("content", 1)));
        Assert.That(text["default_language"].AsString, Is.EqualTo("none"));
        Assert.That(text["textIndexVersion"].ToInt32(), Is.EqualTo(3));
    }
}
