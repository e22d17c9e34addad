using ChatSocket.EmbeddedMongo.Storage;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>Runs an action under a collection's lock, looking the collection up again if it was dropped meanwhile.</summary>
internal static class CollectionAccess
{
    public static T Run<T>(CommandContext context, bool create, Func<Collection?, T> action)
    {
        var name = context.CollectionName;
        while (true)
        {
            Collection? collection;
            if (create)
            {
                collection = context.Storage.GetOrCreate(context.Database, name, out var created);
                context.Wrote |= created;
            }
            else
            {
                collection = context.Storage.Find(context.Database, name);
            }

            if (collection is null)
            {
                return action(null);
            }

            lock (collection.Sync)
            {
                if (collection.IsDropped)
                {
                    continue;
                }

                return action(collection);
            }
        }
    }
}
