using System.Buffers.Binary;
using System.Text;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>Rebuilds the in-memory state from the journal at start; a torn or corrupt tail is cut off.</summary>
internal static class JournalReplayer
{
    /// <summary>Replays every intact record; returns the offset where the valid journal ends.</summary>
    public static long Replay(FileStream file, StorageEngine engine, out long records)
    {
        records = 0;
        file.Seek(0, SeekOrigin.Begin);
        var header = new byte[JournalWriter.HeaderSize];
        var payload = Array.Empty<byte>();
        long offset = 0;
        while (true)
        {
            if (!ReadExactly(file, header))
            {
                return offset;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (length <= 0 || length > file.Length - offset - JournalWriter.HeaderSize)
            {
                return offset;
            }

            if (payload.Length < length)
            {
                payload = new byte[Math.Max(length, payload.Length * 2)];
            }

            if (!ReadExactly(file, payload.AsSpan(0, length)) || Crc32C.Compute(payload.AsSpan(0, length)) != crc)
            {
                return offset;
            }

            Apply(engine, payload, length);
            records++;
            offset += JournalWriter.HeaderSize + length;
        }
    }

    private static bool ReadExactly(FileStream file, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = file.Read(buffer[total..]);
            if (n == 0)
            {
                return false;
            }

            total += n;
        }

        return true;
    }

    private static void Apply(StorageEngine engine, byte[] buffer, int length)
    {
        var kind = (JournalRecordKind)buffer[0];
        if (kind == JournalRecordKind.Operation)
        {
            ApplyOperation(engine, RawBson.ReadDocument(buffer, 1, length - 1));
            return;
        }

        var position = 1;
        var database = ReadCString(buffer, ref position);
        var name = ReadCString(buffer, ref position);
        var collection = engine.GetOrCreate(database, name, out _);
        var documents = new List<ReadOnlyMemory<byte>>();
        while (position < length)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(position));
            documents.Add(buffer.AsMemory(position, size));
            position += size;
        }

        if (kind == JournalRecordKind.Insert)
        {
            // The collection copies each document, so slices of the reused read buffer are fine.
            collection.Insert(documents, ordered: false, [], journal: false);
            return;
        }

        foreach (var document in documents)
        {
            collection.ReplaceOrInsert(document.ToArray());
        }
    }

    private static void ApplyOperation(StorageEngine engine, BsonDocument operation)
    {
        var database = operation["db"].AsString;
        var name = operation.GetValue("c", BsonNull.Value);
        switch (operation["op"].AsString)
        {
            case "create":
                engine.GetOrCreate(database, name.AsString, out _);
                break;
            case "drop":
                engine.Drop(database, name.AsString);
                break;
            case "createIndex":
                engine.GetOrCreate(database, name.AsString, out _).CreateIndex(IndexDefinition.Parse(operation["spec"].AsBsonDocument), journal: false);
                break;
            case "dropIndex":
                {
                    var collection = engine.GetOrCreate(database, name.AsString, out _);
                    if (collection.FindIndex(operation["name"].AsString) is { } index)
                    {
                        collection.DropIndex(index, journal: false);
                    }

                    break;
                }

            case "delete":
                engine.GetOrCreate(database, name.AsString, out _).DeleteByIds(operation["ids"].AsBsonArray);
                break;
            default:
                throw new FormatException("unknown journal operation " + operation["op"]);
        }
    }

    private static string ReadCString(byte[] buffer, ref int position)
    {
        var end = Array.IndexOf(buffer, (byte)0, position);
        var value = Encoding.UTF8.GetString(buffer, position, end - position);
        position = end + 1;
        return value;
    }
}
