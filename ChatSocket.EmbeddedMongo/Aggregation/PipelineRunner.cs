using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Query;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Aggregation;

/// <summary>
/// Runs an aggregation pipeline. A leading <c>$match</c> / <c>$sort</c> / <c>$skip</c> / <c>$limit</c> run as one
/// index-aware query; the remaining stages ($match $sort $skip $limit $project $addFields/$set $unset $group $count
/// $unwind) work in memory. Other stages are a 40324 error naming the stage.
/// </summary>
internal static class PipelineRunner
{
    public static List<BsonDocument> Run(Collection? collection, BsonArray pipeline)
    {
        var stages = new List<(string Name, BsonValue Spec)>(pipeline.Count);
        foreach (var stage in pipeline)
        {
            if (stage is not BsonDocument doc || doc.ElementCount != 1)
            {
                throw new CommandException(40323, "A pipeline stage specification object must contain exactly one field.");
            }

            stages.Add((doc.GetElement(0).Name, doc[0]));
        }

        var next = 0;
        var filter = Filter.MatchAll;
        SortSpec? sort = null;
        var skip = 0;
        var limit = 0;
        if (next < stages.Count && stages[next].Name == "$match")
        {
            filter = FilterCompiler.Compile(AsDocument(stages[next++]));
        }

        if (next < stages.Count && stages[next].Name == "$sort")
        {
            sort = SortSpec.Parse(AsDocument(stages[next++]));
        }

        if (next < stages.Count && stages[next].Name == "$skip")
        {
            skip = NonNegative(stages[next++]);
        }

        if (next < stages.Count && stages[next].Name == "$limit")
        {
            limit = Positive(stages[next++]);
        }

        var documents = new List<BsonDocument>();
        var scores = filter.Text is null ? null : new Dictionary<long, double>();
        if (collection is not null)
        {
            foreach (var stored in QueryExecutor.Run(collection, filter, sort, skip, limit, scores))
            {
                var document = RawBson.ReadDocument(stored.Bytes);
                if (scores is not null)
                {
                    // The score rides along as metadata until the end of the pipeline.
                    document[TextSearch.ScoreField] = scores[stored.RecordId];
                }

                documents.Add(document);
            }
        }

        for (; next < stages.Count; next++)
        {
            documents = Apply(stages[next], documents);
        }

        if (scores is not null)
        {
            documents.ForEach(d => d.Remove(TextSearch.ScoreField));
        }

        return documents;
    }

    private static List<BsonDocument> Apply((string Name, BsonValue Spec) stage, List<BsonDocument> input)
    {
        switch (stage.Name)
        {
            case "$match":
                {
                    var filter = FilterCompiler.Compile(AsDocument(stage));
                    if (filter.Text is not null)
                    {
                        throw new CommandException(17313, "$match with $text is only allowed as the first pipeline stage");
                    }

                    return input.FindAll(filter.Matches);
                }

            case "$sort":
                {
                    var sort = SortSpec.Parse(AsDocument(stage)) ?? throw new CommandException(15976, "$sort stage must have at least one sort key");
                    return sort.Sort(input, d => d);
                }

            case "$skip":
                {
                    var skip = NonNegative(stage);
                    return skip >= input.Count ? [] : input.GetRange(skip, input.Count - skip);
                }

            case "$limit":
                {
                    var limit = Positive(stage);
                    return limit >= input.Count ? input : input.GetRange(0, limit);
                }

            case "$project":
                {
                    var projection = Projection.Parse(AsDocument(stage)) ?? throw new CommandException(51272, "$project requires at least one output field");
                    return input.ConvertAll(projection.Apply);
                }

            case "$addFields":
            case "$set":
                {
                    var spec = AsDocument(stage);
                    return input.ConvertAll(d =>
                    {
                        var copy = d.DeepClone().AsBsonDocument;
                        foreach (var element in spec)
                        {
                            Projection.SetPath(copy, PathValues.Split(element.Name), ExpressionEvaluator.Evaluate(element.Value, d) ?? BsonNull.Value);
                        }

                        return copy;
                    });
                }

            case "$unset":
                {
                    var names = stage.Spec is BsonArray a ? a.Select(x => x.AsString).ToList() : [stage.Spec.AsString];
                    return input.ConvertAll(d =>
                    {
                        var copy = d.DeepClone().AsBsonDocument;
                        foreach (var name in names)
                        {
                            Projection.RemovePath(copy, PathValues.Split(name));
                        }

                        return copy;
                    });
                }

            case "$group":
                return GroupStage.Run(input, AsDocument(stage));
            case "$count":
                {
                    if (!stage.Spec.IsString || stage.Spec.AsString.Length == 0 || stage.Spec.AsString.StartsWith('$'))
                    {
                        throw new CommandException(40156, "the count field must be a non-empty string that does not start with $");
                    }

                    return input.Count == 0 ? [] : [new BsonDocument(stage.Spec.AsString, input.Count)];
                }

            case "$unwind":
                return Unwind(stage.Spec, input);
            default:
                throw new CommandException(ErrorCodes.UnknownStage, $"Unrecognized pipeline stage name: '{stage.Name}' (not supported by the embedded engine)");
        }
    }

    private static List<BsonDocument> Unwind(BsonValue spec, List<BsonDocument> input)
    {
        var path = spec is BsonDocument d ? d["path"].AsString : spec.AsString;
        var preserve = spec is BsonDocument o && o.GetValue("preserveNullAndEmptyArrays", false).ToBoolean();
        if (!path.StartsWith('$'))
        {
            throw new CommandException(28818, "path option to $unwind stage should be prefixed with a '$'");
        }

        var segments = PathValues.Split(path[1..]);
        var output = new List<BsonDocument>();
        foreach (var document in input)
        {
            var value = PathValues.GetExact(document, segments);
            if (value is BsonArray array && array.Count > 0)
            {
                foreach (var element in array)
                {
                    var copy = document.DeepClone().AsBsonDocument;
                    Projection.SetPath(copy, segments, element);
                    output.Add(copy);
                }
            }
            else if (value is not null && value is not BsonArray && !value.IsBsonNull)
            {
                output.Add(document);
            }
            else if (preserve)
            {
                output.Add(document);
            }
        }

        return output;
    }

    private static BsonDocument AsDocument((string Name, BsonValue Spec) stage) =>
        stage.Spec as BsonDocument ?? throw new CommandException(ErrorCodes.TypeMismatch, $"{stage.Name} specification must be an object");

    private static int NonNegative((string Name, BsonValue Spec) stage) =>
        stage.Spec.IsNumeric && stage.Spec.ToInt64() >= 0 ? (int)Math.Min(int.MaxValue, stage.Spec.ToInt64()) : throw new CommandException(15956, $"invalid argument to {stage.Name} stage: must be a non-negative number");

    private static int Positive((string Name, BsonValue Spec) stage) =>
        stage.Spec.IsNumeric && stage.Spec.ToInt64() > 0 ? (int)Math.Min(int.MaxValue, stage.Spec.ToInt64()) : throw new CommandException(15958, "the limit must be positive");
}
