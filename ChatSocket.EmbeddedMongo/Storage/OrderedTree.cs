namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>
/// An in-memory B+ tree of unique items with linked leaves, so that a scan can seek to a bound in O(log n) and walk
/// forwards or backwards, stopping whenever the caller has enough. Removal does not rebalance: leaves may become
/// sparse or empty, which scans skip; separators stay valid routing bounds. Not thread-safe: the owning collection
/// serialises access.
/// </summary>
internal sealed class OrderedTree<T>
{
    private const int LeafCapacity = 64;
    private const int InnerCapacity = 64;

    private readonly IComparer<T> _comparer;
    private Node _root;
    private Func<T, T, bool>? _conflicts;
    private T? _conflict;

    public OrderedTree(IComparer<T> comparer)
    {
        _comparer = comparer;
        _root = new Leaf();
        First = (Leaf)_root;
        Last = First;
    }

    public int Count { get; private set; }

    internal Leaf First { get; private set; }

    internal Leaf Last { get; private set; }

    /// <summary>Adds an item; returns false if an equal item is already there.</summary>
    public bool Add(T item) => Add(item, null, out _);

    /// <summary>
    /// Adds an item unless an item next to its place conflicts with it (for a unique index: an equal key of another
    /// document; equal keys are adjacent, so the neighbours are all there is to check). One descent does both.
    /// </summary>
    public bool Add(T item, Func<T, T, bool>? conflicts, out T? conflict)
    {
        _conflicts = conflicts;
        _conflict = default;
        var split = Insert(_root, item, out var separator, out var added);
        conflict = _conflict;
        _conflicts = null;
        if (split is not null)
        {
            var root = new Inner();
            root.Keys[1] = separator!;
            root.Children[0] = _root;
            root.Children[1] = split;
            root.Count = 2;
            _root = root;
        }

        if (added)
        {
            Count++;
        }

        return added;
    }

    public bool Remove(T item)
    {
        var node = _root;
        while (node is Inner inner)
        {
            node = inner.Children[ChildFor(inner, item)];
        }

        var leaf = (Leaf)node;
        var index = Array.BinarySearch(leaf.Items, 0, leaf.Count, item, _comparer);
        if (index < 0)
        {
            return false;
        }

        Array.Copy(leaf.Items, index + 1, leaf.Items, index, leaf.Count - index - 1);
        leaf.Count--;
        leaf.Items[leaf.Count] = default!;
        Count--;
        return true;
    }

    /// <summary>The first item for which <paramref name="isBefore"/> is false (a predicate true then false in order).</summary>
    public Position SeekFirst(Func<T, bool> isBefore) => SeekFirst(new DelegateProbe<T>(isBefore));

    /// <summary>The first item for which the probe's IsBefore is false.</summary>
    public Position SeekFirst<TProbe>(TProbe probe)
        where TProbe : struct, ITreeProbe<T>
    {
        var (leaf, index) = FirstWhereFalse(probe);
        return Normalize(new Position(leaf, index), forward: true);
    }

    /// <summary>The last item for which <paramref name="isAfter"/> is false (a predicate false then true in order).</summary>
    public Position SeekLast(Func<T, bool> isAfter)
    {
        var (leaf, index) = FirstWhereFalse(new DelegateProbe<T>(item => !isAfter(item)));
        return Normalize(new Position(leaf, index - 1), forward: false);
    }

    /// <summary>Descends to the leaf slot of the first item for which a monotone (true, then false) predicate is false.</summary>
    private (Leaf Leaf, int Index) FirstWhereFalse<TProbe>(TProbe probe)
        where TProbe : struct, ITreeProbe<T>
    {
        var node = _root;
        while (node is Inner inner)
        {
            // The last child whose separator is still before the target (binary search; separators are sorted).
            var child = 0;
            var low = 1;
            var high = inner.Count - 1;
            while (low <= high)
            {
                var mid = (low + high) >>> 1;
                if (probe.IsBefore(inner.Keys[mid]))
                {
                    child = mid;
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }

            node = inner.Children[child];
        }

        var leaf = (Leaf)node;
        var lo = 0;
        var hi = leaf.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (probe.IsBefore(leaf.Items[mid]))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return (leaf, lo);
    }

    public Position Start => Normalize(new Position(First, 0), forward: true);

    public Position End => Normalize(new Position(Last, Last.Count - 1), forward: false);

    /// <summary>Steps to the neighbouring item; the result is invalid when the tree is exhausted.</summary>
    public static Position Step(Position position, bool forward) =>
        Normalize(new Position(position.Leaf, position.Index + (forward ? 1 : -1)), forward);

    private static Position Normalize(Position position, bool forward)
    {
        var leaf = position.Leaf;
        var index = position.Index;
        while (leaf is not null)
        {
            if (index >= 0 && index < leaf.Count)
            {
                return new Position(leaf, index);
            }

            leaf = forward ? leaf.Next : leaf.Previous;
            index = forward ? 0 : (leaf?.Count ?? 0) - 1;
        }

        return default;
    }

    private int ChildFor(Inner inner, T item)
    {
        // Child i holds items >= Keys[i]; binary search for the last separator <= item.
        var lo = 1;
        var hi = inner.Count - 1;
        var child = 0;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_comparer.Compare(inner.Keys[mid], item) <= 0)
            {
                child = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return child;
    }

    private Position? Conflicting(Leaf leaf, int index, T item)
    {
        var left = Normalize(new Position(leaf, index - 1), forward: false);
        if (left.IsValid && _conflicts!(left.Item, item))
        {
            return left;
        }

        var right = Normalize(new Position(leaf, index), forward: true);
        return right.IsValid && _conflicts!(right.Item, item) ? right : null;
    }

    private Node? Insert(Node node, T item, out T? separator, out bool added)
    {
        separator = default;
        if (node is Leaf leaf)
        {
            var index = Array.BinarySearch(leaf.Items, 0, leaf.Count, item, _comparer);
            if (index >= 0)
            {
                added = false;
                return null;
            }

            index = ~index;
            if (_conflicts is not null && Conflicting(leaf, index, item) is { } found)
            {
                _conflict = found.Item;
                added = false;
                return null;
            }

            added = true;
            if (leaf.Count < LeafCapacity)
            {
                Array.Copy(leaf.Items, index, leaf.Items, index + 1, leaf.Count - index);
                leaf.Items[index] = item;
                leaf.Count++;
                return null;
            }

            // Split; an append at the very end (ascending keys) leaves the left leaf full for better packing.
            var right = new Leaf();
            var keep = index == LeafCapacity && leaf.Next is null ? LeafCapacity : LeafCapacity / 2;
            Array.Copy(leaf.Items, keep, right.Items, 0, LeafCapacity - keep);
            Array.Clear(leaf.Items, keep, LeafCapacity - keep);
            right.Count = LeafCapacity - keep;
            leaf.Count = keep;
            if (index <= keep && keep != LeafCapacity)
            {
                Array.Copy(leaf.Items, index, leaf.Items, index + 1, leaf.Count - index);
                leaf.Items[index] = item;
                leaf.Count++;
            }
            else
            {
                var at = index - keep;
                Array.Copy(right.Items, at, right.Items, at + 1, right.Count - at);
                right.Items[at] = item;
                right.Count++;
            }

            right.Next = leaf.Next;
            right.Previous = leaf;
            if (leaf.Next is not null)
            {
                leaf.Next.Previous = right;
            }
            else
            {
                Last = right;
            }

            leaf.Next = right;
            separator = right.Items[0];
            return right;
        }

        var inner = (Inner)node;
        var child = ChildFor(inner, item);
        var split = Insert(inner.Children[child], item, out var childSeparator, out added);
        if (split is null)
        {
            return null;
        }

        var position = child + 1;
        if (inner.Count < InnerCapacity)
        {
            Array.Copy(inner.Keys, position, inner.Keys, position + 1, inner.Count - position);
            Array.Copy(inner.Children, position, inner.Children, position + 1, inner.Count - position);
            inner.Keys[position] = childSeparator!;
            inner.Children[position] = split;
            inner.Count++;
            return null;
        }

        // Insert into a temporary wider array, then split in halves.
        var keys = new T[InnerCapacity + 1];
        var children = new Node[InnerCapacity + 1];
        Array.Copy(inner.Keys, 0, keys, 0, position);
        Array.Copy(inner.Children, 0, children, 0, position);
        keys[position] = childSeparator!;
        children[position] = split;
        Array.Copy(inner.Keys, position, keys, position + 1, inner.Count - position);
        Array.Copy(inner.Children, position, children, position + 1, inner.Count - position);
        var half = (InnerCapacity + 1) / 2;
        var sibling = new Inner();
        Array.Clear(inner.Keys);
        Array.Clear(inner.Children);
        Array.Copy(keys, 0, inner.Keys, 0, half);
        Array.Copy(children, 0, inner.Children, 0, half);
        inner.Count = half;
        Array.Copy(keys, half, sibling.Keys, 0, InnerCapacity + 1 - half);
        Array.Copy(children, half, sibling.Children, 0, InnerCapacity + 1 - half);
        sibling.Count = InnerCapacity + 1 - half;
        separator = sibling.Keys[0];
        sibling.Keys[0] = default!;
        return sibling;
    }

    /// <summary>A place in the tree; <see cref="IsValid"/> is false past either end.</summary>
    internal readonly struct Position(Leaf? leaf, int index)
    {
        public Leaf? Leaf { get; } = leaf;

        public int Index { get; } = index;

        public bool IsValid => Leaf is not null;

        public T Item => Leaf!.Items[Index];
    }

    internal abstract class Node;

    internal sealed class Leaf : Node
    {
        public T[] Items { get; } = new T[LeafCapacity];

        public int Count { get; set; }

        public Leaf? Next { get; set; }

        public Leaf? Previous { get; set; }
    }

    private sealed class Inner : Node
    {
        public T[] Keys { get; } = new T[InnerCapacity + 1];

        public Node[] Children { get; } = new Node[InnerCapacity + 1];

        public int Count { get; set; }
    }
}
