using System.Reflection;

namespace ChatSocket.Hosting;

/// <summary>
/// Finds keys of the server's own configuration sections that no option reads: a misspelled key would otherwise be
/// ignored silently and its default used.
/// </summary>
internal static class UnknownSettings
{
    /// <summary>Each unknown key as <c>Section:Key</c>, with the closest known key when one is close.</summary>
    public static IEnumerable<(string Key, string? Suggestion)> Find(IConfiguration configuration, IEnumerable<OptionsSection> sections)
    {
        foreach (var section in sections)
        {
            // Read through the property: its annotation tells a native build's trimmer to keep the properties.
            var known = section.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name).ToArray();
            foreach (var child in configuration.GetSection(section.Name).GetChildren())
            {
                if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    var closest = known.MinBy(name => Distance(name.ToUpperInvariant(), child.Key.ToUpperInvariant()));
                    var suggestion = closest is not null && Distance(closest.ToUpperInvariant(), child.Key.ToUpperInvariant()) <= 3 ? $"{section.Name}:{closest}" : null;
                    yield return ($"{section.Name}:{child.Key}", suggestion);
                }
            }
        }
    }

    // Levenshtein distance; the names are short.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
