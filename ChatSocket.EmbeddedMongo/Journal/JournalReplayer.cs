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

            Apply(engine, payload.AsSpan(0, length));
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

    private static void Apply(StorageEngine engine, ReadOnlySpan<byte> payload)
    {
        var kind = (JournalRecordKind)payload[0];
        var body = payload[1..];
        if (kind == JournalRecordKind.Operation)
        {
            ApplyOperation(engine, RawBson.ReadDocument(body.ToArray()));
            return;
        }

        var database = ReadCString(ref body);
        var name = ReadCString(ref body);
        var collection = engine.GetOrCreate(database, name, out _);
        while (body.Length > 0)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(body);
            var document = body[..size];
            if (kind == JournalRecordKind.Insert)
            {
                var errors = new List<WriteError>();
                collection.Insert([document.ToArray()], ordered: true, errors, journal: false);
            }
            else
            {
                collection.ReplaceOrInsert(document.ToArray());
            }

            body = body[size..];
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

    private static string ReadCString(ref ReadOnlySpan<byte> body)
    {
        var end = body.IndexOf((byte)0);
        var value = Encoding.UTF8.GetString(body[..end]);
        body = body[(end + 1)..];
        return value;
    }
}
