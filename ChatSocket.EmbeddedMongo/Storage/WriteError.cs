using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>One entry of a write command's <c>writeErrors</c> array.</summary>
internal sealed class WriteError(int index, int code, string message, BsonDocument? keyPattern = null, BsonDocument? keyValue = null)
{
    public int Index { get; } = index;

    public int Code { get; } = code;

    public string Message { get; } = message;

    /// <summary>The write error for a failed statement, or null for an exception that is not a statement's fault.</summary>
    public static WriteError? From(int index, Exception exception) => exception switch
    {
        DuplicateKeyException duplicate => duplicate.ToWriteError(index),
        Commands.CommandException command => new WriteError(index, command.Code, command.Message),
        _ => null,
    };

    public BsonDocument ToDocument()
    {
        var doc = new BsonDocument { { "index", Index }, { "code", Code } };
        if (keyPattern is not null)
        {
            doc.Add("keyPattern", keyPattern);
            doc.Add("keyValue", keyValue);
        }

        doc.Add("errmsg", Message);
        return doc;
    }
}
