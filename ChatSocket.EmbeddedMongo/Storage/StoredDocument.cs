using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>A stored document: its BSON bytes (never modified; an update stores a new instance) and its _id.</summary>
internal sealed class StoredDocument(long recordId, byte[] bytes, BsonValue id)
{
    /// <summary>Unique within the collection; breaks ties between equal index keys.</summary>
    public long RecordId { get; } = recordId;

    public byte[] Bytes { get; } = bytes;

    public BsonValue Id { get; } = id;
}
