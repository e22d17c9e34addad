namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>One entry of an ordered index: the key tuple and the document it points to.</summary>
internal readonly record struct IndexEntry(MongoDB.Bson.BsonValue[] Key, StoredDocument Document);
