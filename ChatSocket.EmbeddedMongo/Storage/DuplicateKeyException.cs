using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>A write would break a unique index; carries what MongoDB reports for E11000.</summary>
internal sealed class DuplicateKeyException : Exception
{
    public DuplicateKeyException(string message, BsonDocument keyPattern, BsonDocument keyValue)
        : base(message)
    {
        KeyPattern = keyPattern;
        KeyValue = keyValue;
    }

    public DuplicateKeyException()
        : this("E11000 duplicate key error", [], [])
    {
    }

    public DuplicateKeyException(string message)
        : this(message, [], [])
    {
    }

    public DuplicateKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
        KeyPattern = [];
        KeyValue = [];
    }

    public BsonDocument KeyPattern { get; }

    public BsonDocument KeyValue { get; }

    public WriteError ToWriteError(int index) => new(index, 11000, Message, KeyPattern, KeyValue);
}
