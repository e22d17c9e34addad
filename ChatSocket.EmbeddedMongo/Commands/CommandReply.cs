using MongoDB.Bson.IO;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>A command's reply body, written straight into the outgoing message.</summary>
internal abstract class CommandReply
{
    public abstract void WriteTo(IBsonWriter writer);
}
