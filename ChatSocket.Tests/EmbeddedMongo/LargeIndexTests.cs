using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// Enough documents (inserted in random order, some deleted) for the indexes to grow several levels deep; query
/// results are checked against the same query evaluated in memory.
/// </summary>
public sealed class LargeIndexTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Indexed_range_queries_agree_with_an_in_memory_evaluation()
    {
        var collection = MongoTarget.NewCollection("large");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument { { "room", 1 }, { "seq", -1 } })).WaitAsync(Deadline);
        var random = new Random(1234);
        var documents = Enumerable.Range(0, 20_000)
            .Select(i => new BsonDocument { { "_id", i }, { "room", "r" + random.Next(8) }, { "seq", (int)(i * 37L % 1_000_003) } })
            .OrderBy(_ => random.Next())
            .ToList();
        foreach (var chunk in documents.Chunk(2000))
        {
            await collection.InsertManyAsync(chunk, new InsertManyOptions { IsOrdered = false }).WaitAsync(Deadline);
        }

        await collection.DeleteManyAsync(new BsonDocument("_id", new BsonDocument("$in", new BsonArray(Enumerable.Range(0, 20_000).Where(i => i % 3 == 0))))).WaitAsync(Deadline);
        var live = documents.Where(d => d["_id"].AsInt32 % 3 != 0).ToList();

        for (var q = 0; q < 40; q++)
        {
            var room = "r" + random.Next(8);
            var low = random.Next(1_000_000);
            var high = low + random.Next(300_000);
            var ascending = q % 2 == 0;
            var limit = 1 + random.Next(120);
            var filter = new BsonDocument { { "room", room }, { "seq", new BsonDocument { { "$gte", low }, { "$lt", high } } } };
            // seq is unique, so the order is fully determined and the index itself can provide it.
            var sort = new BsonDocument("seq", ascending ? 1 : -1);

            var found = await collection.Find(filter).Sort(sort).Limit(limit).ToListAsync().WaitAsync(Deadline);
            var matching = live.Where(d => d["room"] == room && d["seq"].AsInt32 >= low && d["seq"].AsInt32 < high);
            var ordered = ascending
                ? matching.OrderBy(d => d["seq"].AsInt32)
                : matching.OrderByDescending(d => d["seq"].AsInt32);

            Assert.That(found.Select(d => d["_id"].AsInt32), Is.EqualTo(ordered.Take(limit).Select(d => d["_id"].AsInt32)), $"query {q}: {filter} sort {sort} limit {limit}");
        }

        Assert.That(await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(live.Count));

        for (var q = 0; q < 10; q++)
        {
            var ids = Enumerable.Range(0, 30).Select(_ => random.Next(20_000)).Distinct().ToList();
            var byIds = await collection.Find(new BsonDocument("_id", new BsonDocument("$in", new BsonArray(ids)))).Sort(new BsonDocument("_id", -1)).Skip(2).Limit(10).ToListAsync().WaitAsync(Deadline);
            var expectedIds = live.Select(d => d["_id"].AsInt32).Where(ids.Contains).OrderByDescending(i => i).Skip(2).Take(10);
            Assert.That(byIds.Select(d => d["_id"].AsInt32), Is.EqualTo(expectedIds), $"$in query {q}");

            var picks = live.OrderBy(_ => random.Next()).Take(5).ToList();
            var or = new BsonArray(picks.Select(d => new BsonDocument { { "room", d["room"] }, { "seq", d["seq"] } }));
            var byOr = await collection.Find(new BsonDocument("$or", or)).ToListAsync().WaitAsync(Deadline);
            Assert.That(byOr.Select(d => d["_id"].AsInt32), Is.EquivalentTo(picks.Select(d => d["_id"].AsInt32)), $"$or query {q}");
        }
    }
}
