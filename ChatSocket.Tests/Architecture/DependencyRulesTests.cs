using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Architecture;

/// <summary>
/// The layering of docs/ARCHITECTURE.md as tests: each fails, naming the offending folders, when a file starts to
/// depend on something its folder may not use.
/// </summary>
[TestFixture]
public sealed class DependencyRulesTests
{
    // Which folder may use which (besides itself and the root's shared ChatOptions and ChatMetrics), top-down.
    // Kept in step with the table in docs/ARCHITECTURE.md.
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Hosting"] = ["Backplane", "Operations", "Connections", "Chat", "Rooms", "History", "Search", "Analytics", "Identity", "Persistence", "Protocol", "Messages", "WebSockets", "Health", "EmbeddedMongo", "Transport"],
        ["Operations"] = ["Health", "Persistence", "Backplane"],
        ["Backplane"] = ["Rooms", "Messages"],
        ["Health"] = [],
        ["Connections"] = ["Chat", "Rooms", "Identity", "Protocol", "WebSockets", "Transport"],
        ["Chat"] = ["Rooms", "History", "Search", "Identity", "Persistence", "Protocol", "Messages"],
        ["Rooms"] = ["History", "Identity", "Persistence", "Protocol", "Messages"],
        ["History"] = ["Identity", "Persistence", "Protocol", "Messages"],
        ["Search"] = ["History", "Identity", "Persistence", "Protocol", "Messages"],
        ["Analytics"] = ["Identity", "Persistence", "Protocol"],
        ["Identity"] = ["Protocol"],
        ["Persistence"] = ["Messages"],
        ["Protocol"] = ["Messages", "WebSockets"],
        ["Messages"] = [],
        ["WebSockets"] = [],
        ["Transport"] = [],
        [SourceGraph.Root] = [],
    };

    private static SourceGraph Graph => SourceGraph.Load(ChatServer.ProjectDirectory);

    [Test]
    public void The_graph_reader_sees_the_known_dependencies()
    {
        // Guards the other tests against passing on an empty graph (a wrong path, a broken pattern).
        var graph = Graph;

        Assert.That(graph.Folders, Is.SupersetOf(Allowed.Keys));
        Assert.That(graph.UsesOf("Chat"), Is.SupersetOf(new[] { "Rooms", "History", "Persistence", "Protocol" }));
        Assert.That(graph.Mentions("Persistence", "MongoDB.Driver"), Is.True);
    }

    [Test]
    public void Every_folder_uses_only_the_folders_its_layer_allows()
    {
        var graph = Graph;
        var violations = new List<string>();
        foreach (var folder in graph.Folders.Order(StringComparer.Ordinal))
        {
            if (!Allowed.TryGetValue(folder, out var allowed))
            {
                violations.Add($"{folder} is a new folder: give it a place in the layers (docs/ARCHITECTURE.md and this table)");
                continue;
            }

            violations.AddRange(graph.UsesOf(folder).Except(allowed).Order(StringComparer.Ordinal).Select(used => $"{folder} -> {used}"));
        }

        Assert.That(violations, Is.Empty, "dependencies the layering does not allow");
    }

    [Test]
    public void The_folder_graph_has_no_cycle()
    {
        var cycle = Graph.FindCycle();

        Assert.That(cycle, Is.Null, () => "a cycle: " + string.Join(" -> ", cycle!));
    }

    [Test]
    public void Protocol_is_pure_data_and_uses_neither_rooms_history_persistence_nor_the_driver()
    {
        var graph = Graph;

        Assert.That(graph.UsesOf("Protocol"), Has.None.AnyOf("Rooms", "History", "Persistence", "Chat", "Connections"));
        Assert.That(graph.Mentions("Protocol", "MongoDB.Driver"), Is.False, "Protocol names MongoDB.Driver");
    }

    [Test]
    public void Rooms_know_their_members_only_as_IRoomMember_not_as_connections()
    {
        Assert.That(Graph.UsesOf("Rooms"), Has.None.AnyOf("Connections", "Chat"));
    }

    [Test]
    public void Persistence_gets_a_connection_string_and_does_not_start_the_embedded_engine()
    {
        Assert.That(Graph.UsesOf("Persistence"), Has.No.Member("EmbeddedMongo"));
    }

    [Test]
    public void Only_persistence_sees_the_driver()
    {
        var graph = Graph;

        var others = graph.Folders.Where(f => f != "Persistence" && graph.Mentions(f, "MongoDB.Driver"));

        Assert.That(others, Is.Empty, "folders above persistence must see ArchiveUnavailableException, not the driver");
    }

    [Test]
    public void Only_the_backplane_sees_Redis()
    {
        var graph = Graph;

        Assert.That(graph.Mentions("Backplane", "StackExchange.Redis"), Is.True, "the graph reader misses the backplane");
        Assert.That(graph.Folders.Where(f => f != "Backplane" && graph.Mentions(f, "StackExchange.Redis")), Is.Empty);
    }

    [Test]
    public void Nothing_in_the_server_references_the_load_tool()
    {
        var graph = Graph;
        var project = File.ReadAllText(Path.Combine(ChatServer.ProjectDirectory, "ChatSocket.csproj"));

        Assert.That(graph.Folders.Where(f => graph.UsesOf(f).Contains("LoadTest")), Is.Empty);
        Assert.That(project, Does.Not.Contain("ChatSocket.LoadTest"));
    }
}
