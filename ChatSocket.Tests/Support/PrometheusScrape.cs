using System.Globalization;
using System.Text;

namespace ChatSocket.Tests.Support;

/// <summary>
/// A parsed scrape in the Prometheus text format (0.0.4): the samples and the <c># TYPE</c> of each metric family.
/// Enough of the format for tests: comments other than TYPE are skipped, timestamps ignored.
/// </summary>
internal sealed class PrometheusScrape
{
    private PrometheusScrape(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Metric family name to its type (<c>counter</c>, <c>gauge</c>, <c>histogram</c>...).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>GETs <c>/metrics</c> from <paramref name="baseUri"/> and parses it.</summary>
    public static async Task<PrometheusScrape> GetAsync(Uri baseUri)
    {
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = ChatServer.Deadline };
        return Parse(await http.GetStringAsync("/metrics").WaitAsync(ChatServer.Deadline));
    }

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                types[parts[2]] = parts[3];
            }
            else if (!line.StartsWith('#'))
            {
                samples.Add(ParseSample(line));
            }
        }

        return new PrometheusScrape(samples, types);
    }

    /// <summary>Whether any sample has this exact name.</summary>
    public bool Has(string name) => Samples.Any(s => s.Name == name);

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include <paramref name="labels"/>
    /// (0 when there is none: an OpenTelemetry counter appears at its first increment).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    private static PrometheusSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>();
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && brace < space)
        {
            name = line[..brace];
            rest = ParseLabels(line, brace + 1, labels);
        }
        else
        {
            name = line[..space];
            rest = space;
        }

        var value = line[rest..].Trim().Split(' ')[0];
        return new PrometheusSample(name, labels, value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(value, CultureInfo.InvariantCulture),
        });
    }

    // key="value",key="value"} with \" \\ \n escapes; returns the index after the closing brace.
    private static int ParseLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (line[at] != '}')
        {
            var equals = line.IndexOf('=', at);
            var key = line[at..equals].Trim();
            var value = new StringBuilder();
            var i = equals + 2;
            for (; line[i] != '"'; i++)
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }

            labels[key] = value.ToString();
            at = line[i + 1] == ',' ? i + 2 : i + 1;
        }

        return at + 1;
    }
}
