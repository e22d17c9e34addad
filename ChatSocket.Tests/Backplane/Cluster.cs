using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Backplane;

/// <summary>Nodes of one cluster: real servers on their own ports, one MongoDB database, one Redis.</summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly List<NodeProcess> _processes = [];

    private Cluster(IReadOnlyList<Node> nodes, IReadOnlyDictionary<string, string?> settings)
    {
        Nodes = nodes;
        _settings = settings;
    }

    public IReadOnlyList<Node> Nodes { get; }

    public static async Task<Cluster> StartAsync(RedisProcess redis, int nodes, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Backplane:Redis"] = redis.ConfigurationString,
            ["Backplane:Timeout"] = "00:00:01",
            ["Chat:MessagesPerSecond"] = "100000",
            ["Chat:MessageBurst"] = "100000",
            // A node that stops its heartbeat leaves the counts within 2.25 s.
            ["Backplane:NodeTimeout"] = "00:00:02",
            ["Backplane:HeartbeatInterval"] = "00:00:00.250",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var started = new List<Node>();
        for (var i = 0; i < nodes; i++)
        {
            var server = await ChatServer.StartAsync(settings);
            settings["Mongo:Database"] = server.DatabaseName;
            started.Add(new Node(server));
        }

        return new Cluster(started, settings);
    }

    /// <summary>One more node, as its own process (killable with SIGKILL), on the cluster's database and Redis.</summary>
    public async Task<NodeProcess> StartProcessNodeAsync()
    {
        var node = await NodeProcess.StartAsync(_settings);
        _processes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        foreach (var node in Nodes)
        {
            await node.Server.DisposeAsync();
        }
    }

    /// <summary>One node and what the tests ask of it.</summary>
    internal sealed class Node(ChatServer server)
    {
        public ChatServer Server { get; } = server;

        public Task<ChatClient> ConnectAsync(string user) => Server.ConnectAsync(user);

        public Task<ChatClient> ConnectAndJoinAsync(string user, string room) => Server.ConnectAndJoinAsync(user, room);

        public HttpClient CreateHttpClient() => Server.CreateHttpClient();

        /// <summary>The member count <c>GET /api/rooms</c> gives for a room (0 when it is not listed).</summary>
        public async Task<int> MembersAsync(string room)
        {
            var list = await Server.GetJsonAsync("/api/rooms");
            return list.GetProperty("rooms").EnumerateArray()
                .Where(r => r.GetProperty("room_id").GetString() == room)
                .Select(r => r.GetProperty("members").GetInt32())
                .SingleOrDefault();
        }

        public Task StopAsync() => Server.StopAsync();

        /// <summary>The ids the REST history holds for the room, oldest first.</summary>
        public async Task<List<string>> StoredIdsAsync(string room, int limit)
        {
            var page = await Server.GetJsonAsync($"/api/rooms/{room}/messages?limit={limit}");
            return [.. page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
        }
    }
}
