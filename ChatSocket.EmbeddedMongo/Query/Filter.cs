using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Text;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>A compiled query filter: a predicate plus what the planner needs to pick an index.</summary>
internal sealed class Filter
{
    public static readonly Filter MatchAll = new(_ => true, new FieldSet([]), new Dictionary<string, FieldCondition>(), allIndexable: true, isEmpty: true);

    public Filter(Func<BsonDocument, bool> predicate, FieldSet fields, Dictionary<string, FieldCondition> conditions, bool allIndexable, bool isEmpty)
    {
        Predicate = predicate;
        Fields = fields;
        Conditions = conditions;
        AllIndexable = allIndexable;
        IsEmpty = isEmpty;
    }

    public Func<BsonDocument, bool> Predicate { get; }

    /// <summary>Top-level fields the predicate reads: only these are decoded from a stored document.</summary>
    public FieldSet Fields { get; }

    /// <summary>Index-usable conditions of the top-level conjuncts, by path.</summary>
    public Dictionary<string, FieldCondition> Conditions { get; }

    /// <summary>True when every conjunct is one of <see cref="Conditions"/> (nothing else to check).</summary>
    public bool AllIndexable { get; }

    public bool IsEmpty { get; }

    /// <summary>The compiled branches of a top-level <c>$or</c>, for a union of index scans.</summary>
    public List<Filter>? OrBranches { get; init; }

    /// <summary>The top-level <c>$text</c> operand; the query executor answers it with the text index.</summary>
    public TextSearchQuery? Text { get; init; }

    public bool Matches(byte[] document) => IsEmpty || Predicate(RawBson.Extract(document, Fields));

    public bool Matches(BsonDocument document) => IsEmpty || Predicate(document);
}
