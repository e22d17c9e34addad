using System.Globalization;
using ChatSocket.EmbeddedMongo.Commands;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// The date operators the analytics use: <c>$dateTrunc</c> (units millisecond to year, <c>binSize</c> counted from
/// 2000-01-01 like MongoDB, <c>timezone</c> as an Olson name or a UTC offset) and the date parts <c>$year $month
/// $dayOfMonth $dayOfWeek $hour $minute $second</c>. A null or missing date gives null.
/// </summary>
internal static class DateExpressions
{
    private static readonly DateTime Reference = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    public static bool TryEvaluate(string name, BsonValue argument, BsonDocument root, out BsonValue result)
    {
        switch (name)
        {
            case "$dateTrunc":
                result = Truncate(argument, root);
                return true;
            case "$year" or "$month" or "$dayOfMonth" or "$dayOfWeek" or "$hour" or "$minute" or "$second":
                result = Part(name, argument, root);
                return true;
            default:
                result = BsonNull.Value;
                return false;
        }
    }

    private static BsonValue Part(string name, BsonValue argument, BsonDocument root)
    {
        // {$hour: <date>} or {$hour: {date: <date>, timezone: <tz>}}.
        var spec = argument as BsonDocument;
        var withOptions = spec is not null && spec.Contains("date");
        var date = ExpressionEvaluator.Evaluate(withOptions ? spec!["date"] : argument, root);
        if (date is null || date.IsBsonNull || date.IsBsonUndefined)
        {
            return BsonNull.Value;
        }

        var zone = Zone(withOptions ? spec!.GetValue("timezone", BsonNull.Value) : BsonNull.Value, root);
        var local = ToLocal(AsDate(name, date), zone);
        return name switch
        {
            "$year" => local.Year,
            "$month" => local.Month,
            "$dayOfMonth" => local.Day,
            "$dayOfWeek" => (int)local.DayOfWeek + 1,
            "$hour" => local.Hour,
            "$minute" => local.Minute,
            _ => local.Second,
        };
    }

    private static BsonValue Truncate(BsonValue argument, BsonDocument root)
    {
        if (argument is not BsonDocument spec)
        {
            throw new CommandException(5439007, "$dateTrunc only supports an object as its argument");
        }

        var date = ExpressionEvaluator.Evaluate(spec.GetValue("date", BsonNull.Value), root);
        var unitValue = ExpressionEvaluator.Evaluate(spec.GetValue("unit", BsonNull.Value), root);
        if (date is null || date.IsBsonNull || unitValue is null || unitValue.IsBsonNull)
        {
            return BsonNull.Value;
        }

        var unit = unitValue.IsString ? unitValue.AsString : throw new CommandException(5439013, "$dateTrunc requires 'unit' to be a string");
        var binSize = spec.TryGetValue("binSize", out var b) ? (ExpressionEvaluator.Evaluate(b, root) ?? BsonNull.Value) : 1;
        if (!binSize.IsNumeric || binSize.ToInt64() < 1)
        {
            throw new CommandException(5439017, "$dateTrunc requires 'binSize' to be a positive 64-bit integer");
        }

        var zone = Zone(spec.GetValue("timezone", BsonNull.Value), root);
        var local = ToLocal(AsDate("$dateTrunc", date), zone);
        var bin = binSize.ToInt64();
        DateTime truncated = unit switch
        {
            "year" => Months(local, 12 * bin),
            "quarter" => Months(local, 3 * bin),
            "month" => Months(local, bin),
            "week" when bin == 1 => local.Date.AddDays(-(((int)local.DayOfWeek - StartOfWeek(spec, root) + 7) % 7)),
            "day" => Fixed(local, TimeSpan.TicksPerDay * bin),
            "hour" => Fixed(local, TimeSpan.TicksPerHour * bin),
            "minute" => Fixed(local, TimeSpan.TicksPerMinute * bin),
            "second" => Fixed(local, TimeSpan.TicksPerSecond * bin),
            "millisecond" => Fixed(local, TimeSpan.TicksPerMillisecond * bin),
            _ => throw new CommandException(ErrorCodes.BadValue, $"$dateTrunc unit '{unit}' (with binSize {bin}) is not supported by the embedded engine"),
        };
        return new BsonDateTime(ToUtc(truncated, zone));
    }

    private static DateTime Fixed(DateTime local, long binTicks)
    {
        var since = local.Ticks - Reference.Ticks;
        var floor = since - (((since % binTicks) + binTicks) % binTicks);
        return new DateTime(Reference.Ticks + floor, DateTimeKind.Unspecified);
    }

    private static DateTime Months(DateTime local, long binMonths)
    {
        var since = ((local.Year - Reference.Year) * 12L) + local.Month - 1;
        var floor = since - (((since % binMonths) + binMonths) % binMonths);
        return Reference.AddMonths((int)floor);
    }

    private static int StartOfWeek(BsonDocument spec, BsonDocument root)
    {
        var value = spec.TryGetValue("startOfWeek", out var s) ? ExpressionEvaluator.Evaluate(s, root) : null;
        if (value is null || value.IsBsonNull)
        {
            return (int)DayOfWeek.Sunday;
        }

        var name = value.AsString.ToLowerInvariant();
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            var full = day.ToString().ToLowerInvariant();
            if (name == full || name == full[..3])
            {
                return (int)day;
            }
        }

        throw new CommandException(5439016, $"$dateTrunc parameter 'startOfWeek' value cannot be recognized as a day of a week: {value}");
    }

    private static DateTime AsDate(string op, BsonValue value) => value switch
    {
        BsonDateTime d => d.ToUniversalTime(),
        BsonObjectId id => id.Value.CreationTime,
        BsonTimestamp t => DateTimeOffset.FromUnixTimeSeconds(t.Timestamp).UtcDateTime,
        _ => throw new CommandException(16006, $"can't convert from BSON type {value.BsonType} to Date in {op}"),
    };

    /// <summary>A zone: null for UTC, else an offset or a system (Olson) zone.</summary>
    private static TimeZoneInfo? Zone(BsonValue spec, BsonDocument root)
    {
        var value = ExpressionEvaluator.Evaluate(spec, root);
        if (value is null || value.IsBsonNull)
        {
            return null;
        }

        var name = value.IsString ? value.AsString : throw new CommandException(40517, "timezone must evaluate to a string");
        if (name is "UTC" or "GMT" or "Z" or "Etc/UTC")
        {
            return null;
        }

        if (name.Length > 1 && name[0] is '+' or '-')
        {
            var digits = name[1..].Replace(":", string.Empty, StringComparison.Ordinal);
            if (digits.Length is 2 or 4 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
            {
                var (hours, minutes) = digits.Length == 2 ? (hhmm, 0) : (hhmm / 100, hhmm % 100);
                var offset = new TimeSpan(hours, minutes, 0) * (name[0] == '-' ? -1 : 1);
                return TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
            }
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new CommandException(40485, $"unrecognized time zone identifier: \"{name}\"");
        }
    }

    private static DateTime ToLocal(DateTime utc, TimeZoneInfo? zone) =>
        zone is null ? DateTime.SpecifyKind(utc, DateTimeKind.Unspecified) : DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(utc, zone), DateTimeKind.Unspecified);

    private static DateTime ToUtc(DateTime local, TimeZoneInfo? zone) =>
        zone is null ? DateTime.SpecifyKind(local, DateTimeKind.Utc) : TimeZoneInfo.ConvertTimeToUtc(local, zone);
}
