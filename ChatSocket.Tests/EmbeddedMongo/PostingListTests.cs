using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>A text index's per-word list of documents: record-id order whatever the order of adds, each once.</summary>
[TestFixture]
public sealed class PostingListTests
{
    [Test]
    public void Documents_added_in_any_order_are_kept_in_record_id_order_each_once()
    {
        var list = default(PostingList);
        foreach (var id in new long[] { 5, 1, 9, 3, 7, 2, 8 })
        {
            Assert.That(list.Add(Doc(id)), Is.True);
        }

        Assert.That(list.Add(Doc(3)), Is.False, "a document already held is not added twice");
        Assert.That(Ids(list), Is.EqualTo(new long[] { 1, 2, 3, 5, 7, 8, 9 }));
    }

    [Test]
    public void Removing_from_one_from_many_and_the_last_leaves_the_rest_in_order()
    {
        var single = default(PostingList);
        single.Add(Doc(4));
        Assert.That(single.Remove(Doc(5)), Is.False);
        Assert.That(single.Remove(Doc(4)), Is.True);
        Assert.That(single.Count, Is.Zero);
        Assert.That(single.Add(Doc(4)), Is.True, "an emptied list takes documents again");

        var many = default(PostingList);
        for (var id = 1; id <= 10; id++)
        {
            many.Add(Doc(id));
        }

        Assert.That(many.Remove(Doc(1)) && many.Remove(Doc(6)) && many.Remove(Doc(10)), Is.True);
        Assert.That(many.Remove(Doc(6)), Is.False);
        Assert.That(Ids(many), Is.EqualTo(new long[] { 2, 3, 4, 5, 7, 8, 9 }));
        foreach (var id in new long[] { 2, 3, 4, 5, 7, 8, 9 })
        {
            many.Remove(Doc(id));
        }

        Assert.That(many.Count, Is.Zero);
        many.Add(Doc(11));
        Assert.That(Ids(many), Is.EqualTo(new long[] { 11 }));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Any_mix_of_appends_inserts_and_removals_matches_a_sorted_set(int seed)
    {
        // Appends of new ids, re-adds of removed ones, and removals from the front (a room's oldest messages
        // deleted), the back and anywhere, checked against a model after every step.
        var random = new Random(seed);
        var list = default(PostingList);
        var model = new SortedSet<long>();
        var next = 0L;
        for (var step = 0; step < 5_000; step++)
        {
            var roll = random.Next(10);
            long id;
            bool changed;
            if (roll < 5 || model.Count == 0)
            {
                id = roll == 0 && next > 0 ? random.NextInt64(next) : next++;
                changed = list.Add(Doc(id));
                Assert.That(changed, Is.EqualTo(model.Add(id)), $"add {id} at step {step}");
                continue;
            }

            id = roll switch
            {
                < 7 => model.Min,
                7 => model.Max,
                _ => model.ElementAt(random.Next(model.Count)),
            };
            changed = list.Remove(Doc(id));
            Assert.That(changed, Is.EqualTo(model.Remove(id)), $"remove {id} at step {step}");
            Assert.That(list.Count, Is.EqualTo(model.Count));
            if (step % 97 == 0)
            {
                Assert.That(Ids(list), Is.EqualTo(model.ToList()), $"step {step}");
            }
        }

        Assert.That(Ids(list), Is.EqualTo(model.ToList()));
    }

    private static StoredDocument Doc(long recordId) => new(recordId, [], new BsonInt64(recordId));

    private static List<long> Ids(PostingList list) => [.. Enumerable.Range(0, list.Count).Select(i => list[i].RecordId)];
}
