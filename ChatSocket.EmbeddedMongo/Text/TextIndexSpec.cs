using ChatSocket.EmbeddedMongo.Commands;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Text;

/// <summary>
/// The text part of an index spec, normalised as MongoDB shows it in <c>listIndexes</c>: the key's text fields become
/// <c>_fts: "text", _ftsx: 1</c> after the equality prefix, and their weights move to <c>weights</c>. Accepts both the
/// form <c>createIndexes</c> receives and the normalised one (which the journal replays).
/// </summary>
internal static class TextIndexSpec
{
    public const string FtsField = "_fts";

    /// <summary>True when the key asks for a text index (a "text" value or an already normalised <c>_fts</c>).</summary>
    public static bool IsText(BsonDocument key) =>
        key.Any(e => e.Value is BsonString { Value: "text" } || e.Name == FtsField);

    /// <summary>Writes the normalised key and text options into <paramref name="spec"/>; returns the weights by field.</summary>
    public static void Normalize(BsonDocument rawKey, BsonDocument raw, BsonDocument spec)
    {
        var key = new BsonDocument();
        var weights = new BsonDocument();
        var normalised = rawKey.Contains(FtsField);
        var seenText = false;
        foreach (var element in rawKey)
        {
            if (element.Name is FtsField or "_ftsx" || element.Value is BsonString { Value: "text" })
            {
                seenText = true;
                if (element.Value is BsonString { Value: "text" } && element.Name != FtsField)
                {
                    weights[element.Name] = 1;
                }

                continue;
            }

            if (seenText)
            {
                throw new CommandException(ErrorCodes.BadValue, "fields after the text fields of a text index are not supported by the embedded engine");
            }

            if (!element.Value.IsNumeric || element.Value.ToDouble() == 0)
            {
                throw new CommandException(ErrorCodes.BadValue, $"Index key type {element.Value} for field '{element.Name}' is not supported by the embedded engine");
            }

            key.Add(element.Name, element.Value);
        }

        if (weights.Contains("$**"))
        {
            throw new CommandException(ErrorCodes.BadValue, "wildcard text indexes ($**) are not supported by the embedded engine");
        }

        key.Add(FtsField, "text").Add("_ftsx", 1);
        if (raw.TryGetValue("weights", out var given))
        {
            if (given is not BsonDocument givenWeights)
            {
                throw new CommandException(ErrorCodes.BadValue, "weights must be an object");
            }

            foreach (var weight in givenWeights)
            {
                if (!weight.Value.IsNumeric || weight.Value.ToDouble() <= 0 || weight.Value.ToDouble() >= 100000)
                {
                    throw new CommandException(ErrorCodes.BadValue, $"weight for text index needs numeric type > 0 and < 100000: {weight.Name}");
                }

                weights[weight.Name] = weight.Value.ToInt32();
            }
        }

        if (weights.ElementCount == 0 && !normalised)
        {
            throw new CommandException(ErrorCodes.BadValue, "text index needs at least one text field");
        }

        var language = raw.GetValue("default_language", "english");
        if (!language.IsString || language.AsString != "none")
        {
            throw new CommandException(ErrorCodes.BadValue, "only default_language \"none\" (no stemming, no stop words) is supported by the embedded engine");
        }

        var version = raw.GetValue("textIndexVersion", 3);
        if (!version.IsNumeric || version.ToInt32() != 3)
        {
            throw new CommandException(ErrorCodes.BadValue, "only textIndexVersion 3 is supported");
        }

        spec["key"] = key;
        spec.Add("weights", new BsonDocument(weights.OrderBy(w => w.Name, StringComparer.Ordinal)));
        spec.Add("default_language", "none");
        spec.Add("language_override", raw.GetValue("language_override", "language"));
        spec.Add("textIndexVersion", 3);
    }
}
