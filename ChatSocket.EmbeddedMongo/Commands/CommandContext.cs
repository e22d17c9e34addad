using ChatSocket.EmbeddedMongo.Cursors;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>One command being executed: its body, its kind-1 document sequences and the engine it runs against.</summary>
internal sealed class CommandContext(
    string name,
    string database,
    BsonDocument body,
    IReadOnlyDictionary<string, List<ReadOnlyMemory<byte>>> sequences,
    StorageEngine storage,
    CursorStore cursors,
    int connectionId)
{
    public string Name { get; } = name;

    public string Database { get; } = database;

    public BsonDocument Body { get; } = body;

    public IReadOnlyDictionary<string, List<ReadOnlyMemory<byte>>> Sequences { get; } = sequences;

    public StorageEngine Storage { get; } = storage;

    public CursorStore Cursors { get; } = cursors;

    public int ConnectionId { get; } = connectionId;

    /// <summary>Set by commands that changed data: the reply then waits until the journal has it on disk.</summary>
    public bool Wrote { get; set; }

    /// <summary>The collection named by the command's first field.</summary>
    public string CollectionName
    {
        get
        {
            var value = Body[0];
            if (!value.IsString || value.AsString.Length == 0 || value.AsString.Contains('\0', StringComparison.Ordinal)
                || value.AsString.StartsWith('$'))
            {
                throw new CommandException(ErrorCodes.InvalidNamespace, $"Invalid namespace specified '{Database}.{(value.IsString ? value.AsString : value.ToString())}'");
            }

            return value.AsString;
        }
    }

    public string Namespace => Database + "." + CollectionName;

    /// <summary>Documents given either as a kind-1 sequence or inline as an array field.</summary>
    public List<BsonDocument> DocumentsOf(string field)
    {
        var result = new List<BsonDocument>();
        if (Sequences.TryGetValue(field, out var sequence))
        {
            foreach (var raw in sequence)
            {
                result.Add(Bson.RawBson.ReadDocument(raw.ToArray()));
            }
        }
        else if (Body.TryGetValue(field, out var inline) && inline is BsonArray array)
        {
            foreach (var item in array)
            {
                result.Add(item is BsonDocument d ? d : throw new CommandException(ErrorCodes.TypeMismatch, $"{field} entries must be objects"));
            }
        }
        else
        {
            throw new CommandException(ErrorCodes.FailedToParse, $"BSON field '{Name}.{field}' is missing but a required field");
        }

        return result;
    }

    public int GetInt(string field, int defaultValue)
    {
        if (!Body.TryGetValue(field, out var value) || value.IsBsonNull)
        {
            return defaultValue;
        }

        return value.IsNumeric ? value.ToInt32() : throw new CommandException(ErrorCodes.TypeMismatch, $"BSON field '{Name}.{field}' is the wrong type '{value.BsonType}', expected a number");
    }

    public bool GetBool(string field, bool defaultValue) =>
        Body.TryGetValue(field, out var value) && !value.IsBsonNull ? value.ToBoolean() : defaultValue;

    public BsonDocument? GetDocument(string field)
    {
        if (!Body.TryGetValue(field, out var value) || value.IsBsonNull)
        {
            return null;
        }

        return value as BsonDocument ?? throw new CommandException(ErrorCodes.TypeMismatch, $"BSON field '{Name}.{field}' is the wrong type '{value.BsonType}', expected type 'object'");
    }
}
