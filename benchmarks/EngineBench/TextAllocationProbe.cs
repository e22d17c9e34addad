using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using ChatSocket.EmbeddedMongo.Text;
using MongoDB.Bson;

namespace EngineBench;

/// <summary>What a text index costs a stored message in allocated bytes, step by step.</summary>
internal static class TextAllocationProbe
{
    public static void Run()
    {
        var definition = IndexDefinition.Parse(new BsonDocument
        {
            { "key", new BsonDocument { { "room_id", 1 }, { "content", "text" } } },
            { "name", "search" },
            { "default_language", "none" },
        });
        var index = new CollectionIndex(definition, "bench.messages");
        const int n = 200_000;
        var docs = new StoredDocument[n];
        var words = new SearchBenchmark.Vocabulary(42);
        for (var i = 0; i < n; i++)
        {
            var message = ChatMessages.Create(i, 1000);
            message["content"] = words.Sentence(i);
            var bytes = RawBson.WithIdFirst(message.ToBson(), out var id);
            docs[i] = new StoredDocument(i, bytes, id);
        }

        var collector = new IndexTermCollector(new StringValuePool());
        Measure("TextDocument.Read (a search's reader)", n, i => TextDocument.Read(docs[i].Bytes, definition));
        Measure("CollectIndexTerms", n, i => TextDocument.CollectIndexTerms(docs[i].Bytes, definition, collector));
        var keys = new List<BsonValue[]>[n];
        Measure("KeysOf (all of the above + keys)", n, i => keys[i] = index.KeysOf(docs[i]));
        Measure("Add (postings)", n, i => index.Add(keys[i], docs[i]));
    }

    private static void Measure(string step, int n, Action<int> action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++)
        {
            action(i);
        }

        Console.WriteLine($"{step,-36}: {(GC.GetAllocatedBytesForCurrentThread() - before) / n,6:N0} B a document");
    }
}
