using MongoDB.Bson;

namespace ChatSocket.Messages;

/// <summary>Message ids that only grow within a room, the order clients rely on.</summary>
internal static class MessageIds
{
    /// <summary>
    /// A new id for <paramref name="timestamp"/> greater than <paramref name="previous"/>. ObjectId's 24-bit counter
    /// starts at a random value and wraps, so two ids of the same second can come out decreasing (about once per
    /// 16.7 million ids); such an id is re-issued in the previous id's second, or the second after it.
    /// </summary>
    public static ObjectId Next(ObjectId previous, DateTime timestamp)
    {
        var id = ObjectId.GenerateNewId(timestamp);
        if (id > previous)
        {
            return id;
        }

        id = ObjectId.GenerateNewId(previous.Timestamp);
        return id > previous ? id : ObjectId.GenerateNewId(previous.Timestamp + 1);
    }
}
