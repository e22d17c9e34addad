using System.Text.RegularExpressions;

namespace ChatSocket.Tests.Architecture;

/// <summary>
/// The folder dependency graph of the server, read from its source files (no reflection, no package): a file in
/// folder A uses folder B when it has <c>using ChatSocket.B</c> (also <c>static</c> or an alias) or names
/// <c>ChatSocket.B.</c> or, inside the project's namespaces, <c>B.</c> directly. Files at the project's root are the
/// folder <see cref="Root"/> (shared options and metrics). Comments and string literals are ignored.
/// </summary>
internal sealed partial class SourceGraph
{
    /// <summary>The name used for files at the project's root.</summary>
    public const string Root = "(root)";

    private readonly Dictionary<string, HashSet<string>> _uses;
    private readonly Dictionary<string, List<string>> _texts;

    private SourceGraph(Dictionary<string, HashSet<string>> uses, Dictionary<string, List<string>> texts)
    {
        _uses = uses;
        _texts = texts;
    }

    /// <summary>Every folder with at least one source file.</summary>
    public IReadOnlyCollection<string> Folders => _uses.Keys;

    /// <summary>Reads every <c>.cs</c> file of the project (not <c>bin/</c>, <c>obj/</c>).</summary>
    public static SourceGraph Load(string projectDirectory)
    {
        var files = Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(projectDirectory, f)))
            .ToList();
        var folderOf = files.ToDictionary(f => f, f => FolderOf(Path.GetRelativePath(projectDirectory, f)));
        var folders = folderOf.Values.Where(f => f != Root).ToHashSet(StringComparer.Ordinal);
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var texts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var folder = folderOf[file];
            var code = StripCommentsAndStrings(File.ReadAllText(file));
            (texts.TryGetValue(folder, out var list) ? list : texts[folder] = []).Add(code);
            var used = uses.TryGetValue(folder, out var set) ? set : uses[folder] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match match in Qualified().Matches(code))
            {
                used.Add(match.Groups["name"].Value);
            }

            foreach (Match match in Relative().Matches(code))
            {
                if (folders.Contains(match.Groups["name"].Value))
                {
                    used.Add(match.Groups["name"].Value);
                }
            }

            used.Remove(folder);
        }

        return new SourceGraph(uses, texts);
    }

    /// <summary>The folders (and other <c>ChatSocket.*</c> assemblies, e.g. <c>EmbeddedMongo</c>) a folder uses.</summary>
    public IReadOnlySet<string> UsesOf(string folder) =>
        _uses.TryGetValue(folder, out var set) ? set : new HashSet<string>();

    /// <summary>Whether any file of the folder names <paramref name="ns"/> (a <c>using</c> or a qualified name).</summary>
    public bool Mentions(string folder, string ns)
    {
        var pattern = new Regex(@"(?<![\w.])" + Regex.Escape(ns) + @"(?![\w])");
        return _texts.TryGetValue(folder, out var codes) && codes.Any(pattern.IsMatch);
    }

    /// <summary>A cycle among the project's own folders, as a path (A -> B -> A), or null when the graph is a DAG.</summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1: on the current path, 2: done
        var path = new List<string>();
        foreach (var start in _uses.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string folder)
        {
            if (state.GetValueOrDefault(folder) == 2)
            {
                return null;
            }

            if (state.GetValueOrDefault(folder) == 1)
            {
                return [.. path.Skip(path.IndexOf(folder)), folder];
            }

            state[folder] = 1;
            path.Add(folder);
            foreach (var next in UsesOf(folder).Where(_uses.ContainsKey).Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[folder] = 2;
            return null;
        }
    }

    private static bool IsBuildOutput(string relative) =>
        relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) ||
        relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string FolderOf(string relative)
    {
        var separator = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return separator < 0 ? Root : relative[..separator];
    }

    // Good enough for this code base: no raw string literal spans a quote that would fool it.
    private static string StripCommentsAndStrings(string code) => CommentOrString().Replace(code, " ");

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();

    // using ChatSocket.X; using static ChatSocket.X.Y; using A = ChatSocket.X.Y; ChatSocket.X.Y; global::ChatSocket.X
    [GeneratedRegex(@"(?<![\w.])(?:global::)?ChatSocket\.(?<name>[A-Z]\w*)")]
    private static partial Regex Qualified();

    // Inside namespace ChatSocket.*, `Rooms.RoomRegistry` names ChatSocket.Rooms without a using.
    [GeneratedRegex(@"(?<![\w.])(?<name>[A-Z]\w*)\.(?=[A-Z])")]
    private static partial Regex Relative();
}
