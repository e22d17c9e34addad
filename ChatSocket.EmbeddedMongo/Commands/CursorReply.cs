using MongoDB.Bson.IO;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>
/// <c>{cursor: {firstBatch|nextBatch: [...], id, ns}, ok: 1}</c> with the batch written as raw BSON documents.
/// </summary>
internal sealed class CursorReply(string ns, long cursorId, bool first, List<byte[]> documents, int start, int count) : CommandReply
{
    public override void WriteTo(IBsonWriter writer)
    {
        writer.WriteStartDocument();
        writer.WriteName("cursor");
        writer.WriteStartDocument();
        writer.WriteName(first ? "firstBatch" : "nextBatch");
        writer.WriteStartArray();
        for (var i = start; i < start + count; i++)
        {
            writer.WriteRawBsonDocument(new ByteArrayBuffer(documents[i], isReadOnly: true));
        }

        writer.WriteEndArray();
        writer.WriteInt64("id", cursorId);
        writer.WriteString("ns", ns);
        writer.WriteEndDocument();
        writer.WriteDouble("ok", 1.0);
        writer.WriteEndDocument();
    }
}
