namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>One entry of an ordered index: the key tuple (encoded by <see cref="IndexKeyCodec"/>) and the document it
/// points to.</summary>
internal readonly record struct IndexEntry(byte[] Key, StoredDocument Document);
