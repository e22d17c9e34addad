using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>
/// Rewrites the journal as the live state only (collections, indexes, current documents), at start, when the
/// journal has grown well beyond the data (deletes and updates only ever add records).
/// </summary>
internal static class JournalCompactor
{
    private const int DocumentsPerRecord = 1000;

    /// <summary>Whether a journal of <paramref name="journalBytes"/> is worth compacting for the live data.</summary>
    public static bool IsWorthIt(long journalBytes, StorageEngine storage, long minimumBytes)
    {
        long live = 0;
        foreach (var database in storage.DatabaseNames())
        {
            foreach (var collection in storage.CollectionsOf(database))
            {
                live += collection.DataSize;
            }
        }

        return journalBytes > minimumBytes && journalBytes > 2 * live;
    }

    /// <summary>Writes the live state to <paramref name="path"/> + ".compact", fsyncs it and moves it over the journal.</summary>
    public static async Task CompactAsync(string path, StorageEngine storage, CancellationToken cancellationToken)
    {
        var temporary = path + ".compact";
        var file = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        var writer = new JournalWriter(new JournalFile(file), long.MaxValue);
        try
        {
            await using (writer)
            {
                WriteLiveState(writer, storage, cancellationToken);

                // Throws if the rewrite is not all on disk: a partial one must never replace the journal.
                await writer.FlushAsync();
            }
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void WriteLiveState(JournalWriter writer, StorageEngine storage, CancellationToken cancellationToken)
    {
        foreach (var database in storage.DatabaseNames())
        {
            foreach (var collection in storage.CollectionsOf(database))
            {
                cancellationToken.ThrowIfCancellationRequested();
                writer.AppendCatalog(new BsonDocument { { "op", "create" }, { "db", database }, { "c", collection.Name } });
                foreach (var index in collection.Indexes)
                {
                    if (!index.Definition.IsIdIndex)
                    {
                        writer.AppendCatalog(new BsonDocument { { "op", "createIndex" }, { "db", database }, { "c", collection.Name }, { "spec", index.Definition.Spec } });
                    }
                }

                var chunk = new List<StoredDocument>(DocumentsPerRecord);
                foreach (var document in collection.All())
                {
                    chunk.Add(document);
                    if (chunk.Count == DocumentsPerRecord)
                    {
                        writer.AppendDocuments(JournalRecordKind.Insert, database, collection.Name, chunk);
                        chunk.Clear();
                    }
                }

                if (chunk.Count > 0)
                {
                    writer.AppendDocuments(JournalRecordKind.Insert, database, collection.Name, chunk);
                }
            }
        }
    }
}
