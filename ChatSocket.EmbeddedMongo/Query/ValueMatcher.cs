using System.Text.RegularExpressions;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// How a query compares the values a path reached with an operand: MongoDB's equality (missing equals null, arrays
/// match whole or by element), range comparisons confined to a type bracket, and regexes. Kept apart from
/// <see cref="FilterCompiler"/>, which only turns operators into predicates built from these.
/// </summary>
internal static class ValueMatcher
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Equality as MongoDB queries define it: a missing path equals null; arrays match whole or by element.</summary>
    public static bool EqualsAny(List<BsonValue> values, BsonValue wanted)
    {
        if (values.Count == 0)
        {
            return wanted.IsBsonNull;
        }

        foreach (var value in values)
        {
            if (SameBracket(value, wanted) && BsonOrder.AreEqual(value, wanted))
            {
                return true;
            }

            if (value is BsonArray array)
            {
                foreach (var element in array)
                {
                    if (SameBracket(element, wanted) && BsonOrder.AreEqual(element, wanted))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool SameBracket(BsonValue a, BsonValue b) => BsonOrder.Rank(a) == BsonOrder.Rank(b);

    /// <summary>Range comparisons only match values of the same type bracket (except MinKey/MaxKey bounds).</summary>
    public static bool CompareAny(List<BsonValue> values, BsonValue bound, Func<int, bool> accept)
    {
        var anyType = bound.BsonType is BsonType.MinKey or BsonType.MaxKey;
        if (values.Count == 0)
        {
            return bound.IsBsonNull && accept(0);
        }

        foreach (var value in values)
        {
            if ((anyType || SameBracket(value, bound)) && accept(BsonOrder.Instance.Compare(value, bound)))
            {
                return true;
            }

            if (value is BsonArray array)
            {
                foreach (var element in array)
                {
                    if ((anyType || SameBracket(element, bound)) && accept(BsonOrder.Instance.Compare(element, bound)))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    public static bool AnyScalarOrElement(List<BsonValue> values, Func<BsonValue, bool> test)
    {
        foreach (var value in values)
        {
            if (test(value))
            {
                return true;
            }

            if (value is BsonArray array && array.Any(test))
            {
                return true;
            }
        }

        return false;
    }

    public static bool RegexMatches(Regex regex, BsonValue value) => value.BsonType switch
    {
        BsonType.String => regex.IsMatch(value.AsString),
        BsonType.Symbol => regex.IsMatch(value.AsBsonSymbol.Name),
        _ => false,
    };

    public static Regex ToRegex(string pattern, string options)
    {
        var flags = RegexOptions.CultureInvariant;
        foreach (var c in options)
        {
            flags |= c switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                'u' => RegexOptions.None,
                _ => throw new CommandException(ErrorCodes.BadValue, $"invalid flag in regex options: {c}"),
            };
        }

        try
        {
            return new Regex(pattern, flags, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new CommandException(ErrorCodes.BadValue, $"Regular expression is invalid: {e.Message}");
        }
    }
}
