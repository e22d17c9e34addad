namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>
/// A monotone test over a tree's order (true for a prefix of the items, then false) used to seek; a struct
/// implementation lets the JIT specialise the seek without allocating a delegate.
/// </summary>
internal interface ITreeProbe<in T>
{
    bool IsBefore(T item);
}
