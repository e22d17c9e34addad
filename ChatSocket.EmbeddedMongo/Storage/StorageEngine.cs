using System.Collections.Concurrent;
using ChatSocket.EmbeddedMongo.Journal;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>The catalog of databases and collections. Lookups are lock-free; catalog changes take one lock.</summary>
internal sealed class StorageEngine
{
    private readonly ConcurrentDictionary<(string Database, string Name), Collection> _collections = new();
    private readonly object _catalogSync = new();

    /// <summary>The journal, or null in memory-only mode (and while the journal is being replayed).</summary>
    public JournalWriter? Journal { get; set; }

    public Collection? Find(string database, string name) =>
        _collections.TryGetValue((database, name), out var collection) ? collection : null;

    public Collection GetOrCreate(string database, string name, out bool created)
    {
        if (_collections.TryGetValue((database, name), out var existing))
        {
            created = false;
            return existing;
        }

        lock (_catalogSync)
        {
            if (_collections.TryGetValue((database, name), out existing))
            {
                created = false;
                return existing;
            }

            var collection = new Collection(database, name, this);
            _collections[(database, name)] = collection;
            Journal?.AppendCatalog(new BsonDocument { { "op", "create" }, { "db", database }, { "c", name } }, () => Uncreate(collection));
            created = true;
            return collection;
        }
    }

    /// <summary>Drops a collection; returns it (as it was) or null if there was none.</summary>
    public Collection? Drop(string database, string name)
    {
        lock (_catalogSync)
        {
            if (!_collections.TryRemove((database, name), out var collection))
            {
                return null;
            }

            lock (collection.Sync)
            {
                collection.IsDropped = true;
                Journal?.AppendCatalog(new BsonDocument { { "op", "drop" }, { "db", database }, { "c", name } }, () => Undrop(collection));
            }

            return collection;
        }
    }

    /// <summary>Takes back a create the journal did not take; writers holding the collection look it up again.</summary>
    private void Uncreate(Collection collection)
    {
        lock (_catalogSync)
        {
            _collections.TryRemove(new KeyValuePair<(string, string), Collection>((collection.Database, collection.Name), collection));
            lock (collection.Sync)
            {
                collection.IsDropped = true;
            }
        }
    }

    /// <summary>
    /// Takes back a drop the journal did not take. Any collection created under the name since was created later,
    /// so it has been taken back already.
    /// </summary>
    private void Undrop(Collection collection)
    {
        lock (_catalogSync)
        {
            _collections[(collection.Database, collection.Name)] = collection;
            lock (collection.Sync)
            {
                collection.IsDropped = false;
            }
        }
    }

    public void DropDatabase(string database)
    {
        lock (_catalogSync)
        {
            foreach (var collection in CollectionsOf(database))
            {
                Drop(database, collection.Name);
            }
        }
    }

    public List<Collection> CollectionsOf(string database)
    {
        var result = new List<Collection>();
        foreach (var pair in _collections)
        {
            if (pair.Key.Database == database)
            {
                result.Add(pair.Value);
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    public SortedSet<string> DatabaseNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in _collections.Keys)
        {
            names.Add(key.Database);
        }

        return names;
    }
}
