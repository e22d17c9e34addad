using MongoDB.Bson;

namespace ChatSocket.Tests.Support;

/// <summary>Reads an explain answer's plan.</summary>
internal static class ExplainPlan
{
    /// <summary>Every plan stage anywhere in an explain answer (mongod nests them differently for find, aggregate and
    /// the slot-based engine, so the stages are searched for rather than walked to).</summary>
    public static IEnumerable<BsonDocument> Stages(BsonValue value)
    {
        if (value is BsonDocument document)
        {
            if (document.TryGetValue("stage", out var stage) && stage.IsString)
            {
                yield return document;
            }

            foreach (var child in document.Values.SelectMany(Stages))
            {
                yield return child;
            }
        }
        else if (value is BsonArray array)
        {
            foreach (var child in array.SelectMany(Stages))
            {
                yield return child;
            }
        }
    }
}
