using System.Text;

namespace ChatSocket.EmbeddedMongo.Bson;

/// <summary>
/// The element names MongoDB.Driver puts in nearly every command it sends (and the chat's own fields), each kept as one
/// string: reading them out of a command then allocates nothing, where decoding gave a new string every time. A
/// fixed table, so it cannot grow with what clients send.
/// </summary>
internal static class KnownFieldNames
{
    // Grouped by length, which is compared first; the most frequent names of a length come first.
    private static readonly (byte[] Utf8, string Name)[][] ByLength = Build(
        // Every command: its envelope (session, database, gossip from a replica set, write and read concerns).
        "$db", "lsid", "id", "txnNumber", "$clusterTime", "clusterTime", "signature", "hash", "keyId",
        "writeConcern", "w", "j", "readConcern", "level", "maxTimeMS",

        // The commands the chat sends, with their arguments.
        "insert", "documents", "ordered", "find", "filter", "sort", "limit", "projection", "getMore", "collection",
        "batchSize", "aggregate", "pipeline", "cursor", "update", "updates", "q", "u", "upsert", "multi", "delete",
        "deletes", "killCursors", "cursors", "endSessions", "hello", "helloOk", "isMaster", "ping",

        // The operators of its filters.
        "$lt", "$gt", "$in", "$or", "$exists",

        // A stored chat message, read back by queries and updates.
        "_id", "room_id", "sender", "content", "timestamp", "client_msg_id");

    /// <summary>The table's string for these UTF-8 bytes, or null when the name is not in the table.</summary>
    public static string? Find(ReadOnlySpan<byte> utf8)
    {
        var byLength = ByLength;
        if ((uint)utf8.Length >= (uint)byLength.Length)
        {
            return null;
        }

        foreach (var (bytes, name) in byLength[utf8.Length])
        {
            if (utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        return null;
    }

    private static (byte[] Utf8, string Name)[][] Build(params string[] names)
    {
        var table = new (byte[], string)[names.Max(n => n.Length) + 1][];
        for (var length = 0; length < table.Length; length++)
        {
            table[length] = [.. names.Where(n => n.Length == length).Select(n => (Encoding.UTF8.GetBytes(n), n))];
        }

        return table;
    }
}
