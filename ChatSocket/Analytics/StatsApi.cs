using System.Globalization;
using ChatSocket.Identity;
using ChatSocket.Persistence;
using ChatSocket.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatSocket.Analytics;

/// <summary>Statistics over the stored messages, over HTTP.</summary>
internal static class StatsApi
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>
    /// Maps <c>GET /api/rooms/{room_id}/stats?from=&amp;to=&amp;bucket=hour|day</c> (messages and active senders per
    /// bucket, top senders, busiest hour of day) and <c>GET /api/stats?from=&amp;to=</c> (top rooms). The range
    /// defaults to the last 24 hours, the bucket to an hour. Bad parameters get an RFC 7807 problem response. With
    /// authentication on both need a token (401); a room's statistics need the room's access (403), and the top rooms
    /// list only rooms the token grants.
    /// </summary>
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/rooms/{room_id}/stats", GetRoomStatsAsync)
            .WithName("GetRoomStats").WithTags("Analytics").WithSummary("A room's activity over a time range")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        endpoints.MapGet("/api/stats", GetServerStatsAsync)
            .WithName("GetServerStats").WithTags("Analytics").WithSummary("Messages across rooms and the top rooms")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Results<Ok<RoomStatsView>, ValidationProblem, ProblemHttpResult>> GetRoomStatsAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "room_id")] string roomId,
        string? from,
        string? to,
        string? bucket,
        HttpContext context,
        TokenValidator tokens,
        IMessageStats stats,
        IOptions<AnalyticsOptions> options,
        CancellationToken cancellationToken)
    {
        if ((await RoomReadAccess.CheckAsync(tokens, context, roomId, cancellationToken)).Problem is { } denied)
        {
            return denied;
        }

        var limits = options.Value;
        var errors = new Dictionary<string, string[]>();
        if (!ProtocolRules.IsValidRoomId(roomId))
        {
            errors["room_id"] = ["must match ^[A-Za-z0-9_.:-]{1,64}$"];
        }

        StatsBucket width;
        switch (bucket)
        {
            case null or "hour": width = StatsBucket.Hour; break;
            case "day": width = StatsBucket.Day; break;
            default:
                width = StatsBucket.Hour;
                errors["bucket"] = ["bucket must be hour or day"];
                break;
        }

        var range = StatsRange.Parse(from, to, DateTime.UtcNow, limits.MaxRangeDays, errors);
        if (errors.Count == 0 && width == StatsBucket.Hour && range.To - range.From > TimeSpan.FromDays(limits.MaxHourBucketDays))
        {
            errors["bucket"] = [$"bucket=hour covers at most {limits.MaxHourBucketDays} days; use bucket=day"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid statistics request");
        }

        RoomStats result;
        try
        {
            result = await stats.GetRoomStatsAsync(roomId, range.From, range.To, width, limits.Top, cancellationToken);
        }
        catch (ArchiveUnavailableException ex)
        {
            return Unavailable(ex);
        }

        return TypedResults.Ok(new RoomStatsView(
            roomId,
            Format(range.From),
            Format(range.To),
            width == StatsBucket.Day ? "day" : "hour",
            result.Messages,
            result.Senders,
            EveryBucket(range, width, result.Buckets),
            [.. result.TopSenders.Select(s => new SenderCountView(s.Name, s.Messages))],
            result.BusiestHour is { } hour ? new HourCountView(int.Parse(hour.Name, CultureInfo.InvariantCulture), hour.Messages) : null));
    }

    private static async Task<Results<Ok<ServerStatsView>, ValidationProblem, ProblemHttpResult>> GetServerStatsAsync(
        string? from,
        string? to,
        HttpContext context,
        TokenValidator tokens,
        IMessageStats stats,
        IOptions<AnalyticsOptions> options,
        CancellationToken cancellationToken)
    {
        var (identity, denied) = await RoomReadAccess.CheckAsync(tokens, context, null, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }

        var errors = new Dictionary<string, string[]>();
        var range = StatsRange.Parse(from, to, DateTime.UtcNow, options.Value.MaxRangeDays, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid statistics request");
        }

        try
        {
            var result = await stats.GetServerStatsAsync(range.From, range.To, options.Value.Top, cancellationToken);
            return TypedResults.Ok(new ServerStatsView(
                Format(range.From), Format(range.To), result.Messages, [.. result.TopRooms.Where(r => RoomAccess.Refusal(identity, r.Name) is null).Select(r => new RoomCountView(r.Name, r.Messages))]));
        }
        catch (ArchiveUnavailableException ex)
        {
            return Unavailable(ex);
        }
    }

    // Every bucket of the range, so a chart needs no gap filling; the count is bounded by the range limits.
    private static List<BucketView> EveryBucket(StatsRange range, StatsBucket width, IReadOnlyList<ActivityBucket> found)
    {
        var step = width == StatsBucket.Day ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1);
        var byStart = found.ToDictionary(b => b.Start);
        var buckets = new List<BucketView>();
        for (var start = new DateTime(range.From.Ticks - (range.From.Ticks % step.Ticks), DateTimeKind.Utc); start < range.To; start += step)
        {
            buckets.Add(byStart.TryGetValue(start, out var b)
                ? new BucketView(Format(start), b.Messages, b.ActiveSenders)
                : new BucketView(Format(start), 0, 0));
        }

        return buckets;
    }

    private static ProblemHttpResult Unavailable(ArchiveUnavailableException ex) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Statistics are unavailable", detail: ex.Message);

    private static string Format(DateTime time) => time.ToString(TimeFormat, CultureInfo.InvariantCulture);
}
