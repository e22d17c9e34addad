using System.Net;
using System.Text.Json;
using ChatSocket.LoadTest.Protocol;
using ChatSocket.LoadTest.Report;

namespace ChatSocket.LoadTest.Runner;

/// <summary>
/// After a ChatSocket run, pages backwards through <c>GET /api/rooms/{room}/messages?limit=200&amp;before=</c> for every
/// room of the run and counts the distinct generator messages stored. Bounded by a request count and a deadline; a 404
/// (no history API yet) skips the check with a note.
/// </summary>
internal sealed class HistoryApiCheck(RunState state)
{
    private const int PageSize = 200;

    /// <summary>Counts what was persisted; <paramref name="sent"/> and <paramref name="acked"/> go into the report.</summary>
    public async Task<PersistenceReport> RunAsync(long sent, long acked, CancellationToken cancellationToken)
    {
        var options = state.Options;
        var baseUri = new UriBuilder(options.Url) { Scheme = "http", Path = "/api/rooms/", Query = "" }.Uri;
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.PersistCheckTimeout);
        var requests = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            for (var room = 0; room < options.Rooms; room++)
            {
                string? before = null;
                while (true)
                {
                    if (requests >= options.PersistCheckMaxRequests)
                    {
                        return Report(false, $"persistence check stopped after {requests} requests (its bound)");
                    }

                    var path = Uri.EscapeDataString(state.RoomName(room)) + $"/messages?limit={PageSize}" + (before is null ? "" : "&before=" + before);
                    requests++;
                    using var response = await http.GetAsync(path, deadline.Token);
                    if (response.StatusCode == HttpStatusCode.NotFound && requests == 1)
                    {
                        return Report(false, "persistence not checked: GET /api/rooms/{room}/messages answered 404 (no history API on this server yet)");
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        return Report(false, $"persistence check failed: history API answered {(int)response.StatusCode}");
                    }

                    await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                    using var document = await JsonDocument.ParseAsync(body, cancellationToken: deadline.Token);
                    var page = Messages(document.RootElement);
                    string? oldest = null;
                    var count = 0;
                    foreach (var message in page)
                    {
                        count++;
                        var id = message.TryGetProperty("id", out var idValue) ? idValue.GetString() : null;
                        var content = message.TryGetProperty("content", out var contentValue) ? contentValue.GetString() : null;
                        if (id is null)
                        {
                            continue;
                        }

                        if (oldest is null || string.CompareOrdinal(id, oldest) < 0)
                        {
                            oldest = id;
                        }

                        if (content is not null && content.StartsWith("~LT", StringComparison.Ordinal))
                        {
                            seen.Add(content[..PayloadMarker.Length]);
                        }
                    }

                    if (count < PageSize || oldest is null || oldest == before)
                    {
                        break;
                    }

                    before = oldest;
                }
            }
        }
        catch (HttpRequestException e)
        {
            return Report(false, "persistence check failed: " + e.Message);
        }
        catch (JsonException e)
        {
            return Report(false, "persistence check could not read the history API's answer: " + e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Report(false, $"persistence check passed its deadline ({options.PersistCheckTimeout.TotalSeconds:F0} s)");
        }

        var persisted = seen.Count;
        return Report(true, persisted == sent ? null : $"persisted {persisted} of {sent} messages sent ({acked} acked)");

        PersistenceReport Report(bool done, string? note) => new()
        {
            Checked = done,
            Note = note,
            Sent = sent,
            Acked = acked,
            Persisted = seen.Count,
            Requests = requests,
        };
    }

    /// <summary>The message array: the answer itself, or its <c>messages</c> (or <c>items</c>) property.</summary>
    private static JsonElement.ArrayEnumerator Messages(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray();
        }

        foreach (var name in new[] { "messages", "items", "data" })
        {
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                return list.EnumerateArray();
            }
        }

        throw new JsonException("no message array in the answer");
    }
}
