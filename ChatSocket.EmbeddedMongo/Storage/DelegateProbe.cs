namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>Adapts a predicate delegate to <see cref="ITreeProbe{T}"/> (for query plans, built once per query).</summary>
internal readonly struct DelegateProbe<T>(Func<T, bool> isBefore) : ITreeProbe<T>
{
    public bool IsBefore(T item) => isBefore(item);
}
