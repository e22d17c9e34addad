using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

public sealed class QueryOperatorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static IMongoCollection<BsonDocument> _collection = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _collection = MongoTarget.NewCollection("operators");
        await _collection.InsertManyAsync(
        [
            new BsonDocument { { "_id", 1 }, { "n", 1 }, { "s", "apple" }, { "tags", new BsonArray { "red", "fruit" } }, { "sub", new BsonDocument("x", 10) } },
            new BsonDocument { { "_id", 2 }, { "n", 2.5 }, { "s", "Banana" }, { "tags", new BsonArray { "yellow", "fruit" } }, { "sub", new BsonDocument("x", 20) } },
            new BsonDocument { { "_id", 3 }, { "n", 3L }, { "s", "cherry" }, { "tags", new BsonArray { "red" } }, { "items", new BsonArray { new BsonDocument("k", 1), new BsonDocument("k", 5) } } },
            new BsonDocument { { "_id", 4 }, { "n", BsonNull.Value }, { "s", "date\nline" } },
            new BsonDocument { { "_id", 5 }, { "s", 42 } },
        ]).WaitAsync(Deadline);
    }

    private static async Task<int[]> IdsAsync(BsonDocument filter)
    {
        var found = await _collection.Find(filter).Sort(new BsonDocument("_id", 1)).ToListAsync().WaitAsync(Deadline);
        return found.Select(d => d["_id"].AsInt32).ToArray();
    }

    private static BsonDocument Op(string field, string op, BsonValue value) => new(field, new BsonDocument(op, value));

    [Test]
    public async Task Equality_matches_numbers_of_any_type_and_array_elements()
    {
        Assert.That(await IdsAsync(new BsonDocument("n", 3)), Is.EqualTo(new[] { 3 }));
        Assert.That(await IdsAsync(new BsonDocument("tags", "red")), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(await IdsAsync(new BsonDocument("tags", new BsonArray { "red" })), Is.EqualTo(new[] { 3 }));
        Assert.That(await IdsAsync(Op("n", "$eq", 2.5)), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public async Task Null_matches_null_and_missing_fields()
    {
        Assert.That(await IdsAsync(new BsonDocument("n", BsonNull.Value)), Is.EqualTo(new[] { 4, 5 }));
        Assert.That(await IdsAsync(Op("n", "$ne", BsonNull.Value)), Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Range_operators_compare_within_the_type_bracket()
    {
        Assert.That(await IdsAsync(Op("n", "$gt", 1)), Is.EqualTo(new[] { 2, 3 }));
        Assert.That(await IdsAsync(Op("n", "$gte", 1)), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(await IdsAsync(Op("n", "$lt", 3)), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(await IdsAsync(Op("n", "$lte", 3)), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(await IdsAsync(Op("s", "$gt", "b")), Is.EqualTo(new[] { 3, 4 }));
    }

    [Test]
    public async Task In_and_nin_test_membership_including_regexes()
    {
        Assert.That(await IdsAsync(Op("n", "$in", new BsonArray { 1, 3, 99 })), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(await IdsAsync(Op("s", "$in", new BsonArray { new BsonRegularExpression("^b", "i"), "cherry" })), Is.EqualTo(new[] { 2, 3 }));
        Assert.That(await IdsAsync(Op("n", "$nin", new BsonArray { 1, BsonNull.Value })), Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public async Task Exists_tests_presence()
    {
        Assert.That(await IdsAsync(Op("n", "$exists", true)), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(await IdsAsync(Op("tags", "$exists", false)), Is.EqualTo(new[] { 4, 5 }));
    }

    [Test]
    public async Task Logical_operators_combine_filters()
    {
        var or = new BsonDocument("$or", new BsonArray { new BsonDocument("n", 1), new BsonDocument("s", 42) });
        var and = new BsonDocument("$and", new BsonArray { Op("n", "$gt", 1), new BsonDocument("tags", "red") });
        var nor = new BsonDocument("$nor", new BsonArray { new BsonDocument("tags", "red"), Op("n", "$exists", false) });
        var not = Op("n", "$not", new BsonDocument("$gt", 1));

        Assert.That(await IdsAsync(or), Is.EqualTo(new[] { 1, 5 }));
        Assert.That(await IdsAsync(and), Is.EqualTo(new[] { 3 }));
        Assert.That(await IdsAsync(nor), Is.EqualTo(new[] { 2, 4 }));
        Assert.That(await IdsAsync(not), Is.EqualTo(new[] { 1, 4, 5 }));
    }

    [Test]
    public async Task Regex_matches_strings_with_options()
    {
        Assert.That(await IdsAsync(new BsonDocument("s", new BsonRegularExpression("^b"))), Is.Empty);
        Assert.That(await IdsAsync(new BsonDocument("s", new BsonRegularExpression("^b", "i"))), Is.EqualTo(new[] { 2 }));
        Assert.That(await IdsAsync(new BsonDocument("s", new BsonDocument { { "$regex", "^line" }, { "$options", "m" } })), Is.EqualTo(new[] { 4 }));
        Assert.That(await IdsAsync(new BsonDocument("s", new BsonDocument { { "$regex", "e.l" }, { "$options", "s" } })), Is.EqualTo(new[] { 4 }));
        Assert.That(await IdsAsync(Op("s", "$not", new BsonRegularExpression("e"))), Is.EqualTo(new[] { 2, 5 }));
    }

    [Test]
    public async Task Dotted_paths_reach_into_documents_and_arrays_of_documents()
    {
        Assert.That(await IdsAsync(new BsonDocument("sub.x", 20)), Is.EqualTo(new[] { 2 }));
        Assert.That(await IdsAsync(Op("items.k", "$gt", 3)), Is.EqualTo(new[] { 3 }));
        Assert.That(await IdsAsync(new BsonDocument("items.1.k", 5)), Is.EqualTo(new[] { 3 }));
        Assert.That(await IdsAsync(Op("items", "$elemMatch", new BsonDocument("k", new BsonDocument("$lt", 2)))), Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public async Task Sorting_follows_the_bson_type_order()
    {
        var found = await _collection.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument { { "s", 1 }, { "_id", 1 } }).ToListAsync().WaitAsync(Deadline);

        Assert.That(found.Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 5, 2, 1, 3, 4 }));
    }

    [Test]
    public async Task Missing_fields_sort_first_ascending()
    {
        var found = await _collection.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument { { "n", 1 }, { "_id", 1 } }).ToListAsync().WaitAsync(Deadline);

        Assert.That(found.Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 4, 5, 1, 2, 3 }));
    }

    [Test]
    public void An_unknown_query_operator_fails_with_BadValue()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => IdsAsync(Op("n", "$noSuchOperator", 1)));

        Assert.That(error!.Code, Is.EqualTo(2));
        Assert.That(error.Message, Does.Contain("$noSuchOperator"));
    }
}
