using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Journal;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>
/// A collection: documents as BSON bytes, reachable through ordered indexes (always <c>_id_</c>). Every public
/// method must be called under <see cref="Sync"/>; methods are synchronous and short, so no lock is held across an
/// await. Mutations are appended to the journal (when there is one) inside the same lock, keeping its order, each
/// with its undo, which the journal runs (taking the lock) if the record does not reach the disk.
/// </summary>
internal sealed class Collection
{
    private readonly StorageEngine _engine;
    private long _nextRecordId;

    public Collection(string database, string name, StorageEngine engine)
    {
        Database = database;
        Name = name;
        _engine = engine;
        IdIndex = new CollectionIndex(IndexDefinition.IdIndex(), Namespace);
        Indexes = [IdIndex];
    }

    public object Sync { get; } = new();

    public string Database { get; }

    public string Name { get; }

    public string Namespace => Database + "." + Name;

    public CollectionIndex IdIndex { get; }

    public List<CollectionIndex> Indexes { get; }

    public int Count => IdIndex.Tree.Count;

    /// <summary>Total BSON bytes of the stored documents (listDatabases reports it).</summary>
    public long DataSize { get; private set; }

    /// <summary>Set when the collection is dropped; a writer holding a stale reference must look it up again.</summary>
    public bool IsDropped { get; set; }

    /// <summary>Inserts documents; each failure becomes a write error; an ordered insert stops at the first.</summary>
    public int Insert(IReadOnlyList<ReadOnlyMemory<byte>> documents, bool ordered, List<WriteError> errors, bool journal = true)
    {
        var inserted = new List<StoredDocument>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            try
            {
                inserted.Add(InsertOne(documents[i].Span));
            }
            catch (Exception e) when (WriteError.From(i, e) is { } error)
            {
                errors.Add(error);
                if (ordered)
                {
                    break;
                }
            }
        }

        if (journal && inserted.Count > 0)
        {
            _engine.Journal?.AppendDocuments(JournalRecordKind.Insert, Database, Name, inserted, () => Unindex(inserted));
        }

        return inserted.Count;
    }

    private StoredDocument InsertOne(ReadOnlySpan<byte> raw)
    {
        if (!RawBson.IsWellFormed(raw))
        {
            throw new CommandException(ErrorCodes.BadValue, "malformed BSON document");
        }

        var bytes = RawBson.WithIdFirst(raw, out var id);
        if (id.BsonType is BsonType.Array or BsonType.RegularExpression or BsonType.Undefined)
        {
            throw new CommandException(ErrorCodes.BadValue, $"can't use {(id.IsBsonArray ? "an array" : id.BsonType.ToString())} for _id");
        }

        var document = new StoredDocument(_nextRecordId++, bytes, id);
        AddToIndexes(document);
        DataSize += bytes.Length;
        return document;
    }

    /// <summary>Inserts a document built by an upsert or findAndModify; throws on a duplicate key.</summary>
    public StoredDocument InsertBuilt(byte[] bytes)
    {
        var document = InsertOne(bytes);
        _engine.Journal?.AppendDocuments(JournalRecordKind.Insert, Database, Name, [document], () => Unindex([document]));
        return document;
    }

    private void AddToIndexes(StoredDocument document)
    {
        // Each unique index checks its neighbours while inserting (one descent); on a conflict the indexes
        // already done are rolled back, so a rejected document leaves no trace.
        var keys = new List<BsonValue[]>[Indexes.Count];
        for (var i = 0; i < Indexes.Count; i++)
        {
            keys[i] = Indexes[i].KeysOf(document);
        }

        for (var i = 0; i < Indexes.Count; i++)
        {
            try
            {
                Indexes[i].AddChecked(keys[i], document);
            }
            catch (DuplicateKeyException)
            {
                for (var j = 0; j < i; j++)
                {
                    Indexes[j].Remove(keys[j], document);
                }

                throw;
            }
        }
    }

    /// <summary>Replaces a document by a new version with the same _id; throws on a duplicate key (nothing changed).</summary>
    public StoredDocument Replace(StoredDocument old, byte[] bytes, bool journal = true)
    {
        var replacement = new StoredDocument(old.RecordId, bytes, old.Id);
        var oldKeys = new List<BsonValue[]>[Indexes.Count];
        var newKeys = new List<BsonValue[]>[Indexes.Count];
        for (var i = 0; i < Indexes.Count; i++)
        {
            oldKeys[i] = Indexes[i].KeysOf(old);
            newKeys[i] = Indexes[i].KeysOf(replacement);
            Indexes[i].CheckUnique(newKeys[i], replacement);
        }

        Swap(old, oldKeys, replacement, newKeys);
        if (journal)
        {
            _engine.Journal?.AppendDocuments(JournalRecordKind.Replace, Database, Name, [replacement], () =>
            {
                lock (Sync)
                {
                    Swap(replacement, newKeys, old, oldKeys);
                }
            });
        }

        return replacement;
    }

    private void Swap(StoredDocument old, List<BsonValue[]>[] oldKeys, StoredDocument replacement, List<BsonValue[]>[] newKeys)
    {
        for (var i = 0; i < Indexes.Count; i++)
        {
            Indexes[i].Remove(oldKeys[i], old);
            Indexes[i].Add(newKeys[i], replacement);
        }

        DataSize += replacement.Bytes.Length - old.Bytes.Length;
    }

    /// <summary>Takes inserted documents out again (their insert did not reach the journal).</summary>
    private void Unindex(IReadOnlyList<StoredDocument> documents)
    {
        lock (Sync)
        {
            RemoveFromIndexes(documents);
        }
    }

    private void RemoveFromIndexes(IReadOnlyList<StoredDocument> documents)
    {
        foreach (var document in documents)
        {
            foreach (var index in Indexes)
            {
                index.Remove(index.KeysOf(document), document);
            }

            DataSize -= document.Bytes.Length;
        }
    }

    /// <summary>Puts deleted documents back (their delete did not reach the journal).</summary>
    private void Reindex(IReadOnlyList<StoredDocument> documents)
    {
        lock (Sync)
        {
            foreach (var document in documents)
            {
                foreach (var index in Indexes)
                {
                    index.Add(index.KeysOf(document), document);
                }

                DataSize += document.Bytes.Length;
            }
        }
    }

    /// <summary>Replays a replace from the journal: by _id, inserting if absent.</summary>
    public void ReplaceOrInsert(byte[] bytes)
    {
        var id = RawBson.GetField(bytes, "_id"u8) ?? throw new FormatException("journal document without _id");
        var existing = FindById(id);
        if (existing is null)
        {
            InsertOne(bytes);
        }
        else
        {
            Replace(existing, bytes, journal: false);
        }
    }

    public StoredDocument? FindById(BsonValue id)
    {
        var key = IndexKeyCodec.Encode([id]);
        var position = IdIndex.Tree.SeekFirst(new KeyProbe(IdIndex.Comparer, key));
        return position.IsValid && IdIndex.Comparer.CompareKeys(position.Item.Key, key) == 0 ? position.Item.Document : null;
    }

    public void Delete(IReadOnlyList<StoredDocument> documents, bool journal = true)
    {
        RemoveFromIndexes(documents);

        if (journal && documents.Count > 0)
        {
            var ids = new BsonArray(documents.Count);
            foreach (var document in documents)
            {
                ids.Add(document.Id);
            }

            _engine.Journal?.AppendCatalog(new BsonDocument { { "op", "delete" }, { "db", Database }, { "c", Name }, { "ids", ids } }, () => Reindex(documents));
        }
    }

    /// <summary>Replays a delete from the journal.</summary>
    public void DeleteByIds(BsonArray ids)
    {
        var found = new List<StoredDocument>(ids.Count);
        foreach (var id in ids)
        {
            if (FindById(id) is { } document)
            {
                found.Add(document);
            }
        }

        Delete(found, journal: false);
    }

    /// <summary>All documents in _id order.</summary>
    public IEnumerable<StoredDocument> All()
    {
        for (var p = IdIndex.Tree.Start; p.IsValid; p = OrderedTree<IndexEntry>.Step(p, forward: true))
        {
            yield return p.Item.Document;
        }
    }

    public CollectionIndex? FindIndex(string name) => Indexes.Find(i => i.Definition.Name == name);

    /// <summary>Creates an index (building it from the documents); false when an equivalent one exists.</summary>
    public bool CreateIndex(IndexDefinition definition, bool journal = true)
    {
        foreach (var existing in Indexes)
        {
            var d = existing.Definition;
            if (d.Name == definition.Name)
            {
                if (d.IsEquivalentTo(definition))
                {
                    return false;
                }

                throw new CommandException(ErrorCodes.IndexKeySpecsConflict, $"An existing index has the same name as the requested index but different options or key. Requested index: {definition.Spec}, existing index: {d.Spec}");
            }

            if (d.IsText && definition.IsText)
            {
                throw new CommandException(ErrorCodes.IndexOptionsConflict, $"An equivalent index already exists with a different name and options. Requested index: {definition.Spec}, existing index: {d.Spec}");
            }

            if (d.Key.Equals(definition.Key) && !definition.IsPartial && !d.IsPartial)
            {
                if (d.IsEquivalentTo(definition))
                {
                    throw new CommandException(ErrorCodes.IndexOptionsConflict, $"Index already exists with a different name: {d.Name}");
                }

                throw new CommandException(ErrorCodes.IndexOptionsConflict, $"An equivalent index already exists with the same name but different options. Requested index: {definition.Spec}, existing index: {d.Spec}");
            }
        }

        var index = new CollectionIndex(definition, Namespace);
        foreach (var document in All())
        {
            var keys = index.KeysOf(document);
            try
            {
                index.CheckUnique(keys, document);
            }
            catch (DuplicateKeyException e)
            {
                throw new CommandException(ErrorCodes.DuplicateKey, "Index build failed: " + e.Message);
            }

            index.Add(keys, document);
        }

        Indexes.Add(index);
        if (journal)
        {
            _engine.Journal?.AppendCatalog(new BsonDocument { { "op", "createIndex" }, { "db", Database }, { "c", Name }, { "spec", definition.Spec } }, () =>
            {
                lock (Sync)
                {
                    Indexes.Remove(index);
                }
            });
        }

        return true;
    }

    public void DropIndex(CollectionIndex index, bool journal = true)
    {
        var position = Indexes.IndexOf(index);
        Indexes.RemoveAt(position);
        if (journal)
        {
            // The dropped index missed no change: every later write to this collection is undone before this.
            _engine.Journal?.AppendCatalog(new BsonDocument { { "op", "dropIndex" }, { "db", Database }, { "c", Name }, { "name", index.Definition.Name } }, () =>
            {
                lock (Sync)
                {
                    Indexes.Insert(position, index);
                }
            });
        }
    }
}
