namespace ChatSocket.EmbeddedMongo.Journal;

/// <summary>What a journal record holds.</summary>
internal enum JournalRecordKind : byte
{
    /// <summary>cstring db, cstring collection, then whole BSON documents to insert.</summary>
    Insert = 1,

    /// <summary>cstring db, cstring collection, then whole BSON documents replacing those with the same _id.</summary>
    Replace = 2,

    /// <summary>One BSON document describing a catalog change or a delete: <c>{op, db, c, ...}</c>.</summary>
    Operation = 3,
}
