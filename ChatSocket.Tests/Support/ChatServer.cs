using System.Text.Json;
using ChatSocket.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Tests.Support;

/// <summary>
/// The real ChatSocket application (Kestrel, all middleware and services) on <c>http://127.0.0.1:0</c>, for
/// integration tests. Start one with <see cref="StartAsync"/>, optionally overriding configuration keys
/// (<c>["Chat:SendQueueCapacity"] = "8"</c>); connect clients with <see cref="ConnectAsync"/>; dispose it (or call
/// <see cref="StopAsync"/> to test shutdown). Content root is the ChatSocket project, so <c>wwwroot</c> is served.
/// </summary>
internal sealed class ChatServer : IAsyncDisposable
{
    /// <summary>The deadline every wait in the tests uses unless it says otherwise.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private bool _stopped;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private ChatServer(WebApplication app, Uri baseUri, IReadOnlyDictionary<string, string?> settings)
    {
        _app = app;
        _settings = settings;
        BaseUri = baseUri;
        WebSocketUri = new UriBuilder(baseUri) { Scheme = "ws", Path = "/ws" }.Uri;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary><c>ws://127.0.0.1:PORT/ws</c>.</summary>
    public Uri WebSocketUri { get; }

    /// <summary>The application's services (registries, metrics, options).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The ChatSocket project directory (content root), found from the test's output directory.</summary>
    public static string ProjectDirectory { get; } = FindProjectDirectory();

    /// <summary>The database this server stores into (in <see cref="TestStore"/>).</summary>
    public string DatabaseName { get; private init; } = "";

    /// <summary>The directory of this server's spill file.</summary>
    public string DataDirectory { get; private init; } = "";

    /// <summary>
    /// Starts the application; <paramref name="settings"/> override configuration keys. By default it stores into a
    /// new database of the <see cref="TestStore"/> and spills into a new temporary directory; pass
    /// <c>Mongo:Database</c> and <c>Persistence:DataDirectory</c> to start it again on the same ones.
    /// </summary>
    /// <param name="settings">Configuration keys to override.</param>
    /// <param name="configure">Runs on the builder after the test defaults (e.g. a capturing logger provider).</param>
    public static Task<ChatServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null) =>
        StartOnAsync(settings, new Uri("http://127.0.0.1:0"), configure);

    /// <summary>
    /// Stops this server the way SIGTERM does (its connections get 1001), then starts the application again on the
    /// same port, with the same settings, database and spill directory: what a client sees of a server restart.
    /// Dispose of the server this returns; this one is stopped.
    /// </summary>
    public async Task<ChatServer> RestartAsync()
    {
        await DisposeAsync();
        return await StartOnAsync(_settings, BaseUri);
    }

    private static async Task<ChatServer> StartOnAsync(IReadOnlyDictionary<string, string?>? settings, Uri listenOn, Action<WebApplicationBuilder>? configure = null)
    {
        if (string.IsNullOrEmpty(TestStore.ConnectionString))
        {
            throw new InvalidOperationException("TestStore has not started: it must be a SetUpFixture of the root test namespace");
        }

        var effective = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Mongo"] = TestStore.ConnectionString,
            ["Mongo:Database"] = TestStore.NewDatabaseName(),
            ["Persistence:DataDirectory"] = TestStore.NewDataDirectory(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            effective[key] = value;
        }

        var app = ChatSocketApp.Create(
            ["--urls", listenOn.GetLeftPart(UriPartial.Authority), "--contentRoot", ProjectDirectory],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(effective);
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                configure?.Invoke(builder);
            });
        try
        {
            await app.StartAsync().WaitAsync(Deadline);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new ChatServer(app, new Uri(app.Urls.First()), effective)
        {
            DatabaseName = effective["Mongo:Database"]!,
            DataDirectory = effective["Persistence:DataDirectory"]!,
        };
    }

    /// <summary>The WebSocket URI with the optional <c>user</c>, <c>room</c> and <c>access_token</c> query parameters.</summary>
    public Uri WebSocketUriFor(string? user = null, string? room = null, string? accessToken = null)
    {
        var query = new List<string>();
        if (accessToken is not null)
        {
            query.Add("access_token=" + Uri.EscapeDataString(accessToken));
        }

        if (user is not null)
        {
            query.Add("user=" + Uri.EscapeDataString(user));
        }

        if (room is not null)
        {
            query.Add("room=" + Uri.EscapeDataString(room));
        }

        return new UriBuilder(WebSocketUri) { Query = string.Join('&', query) }.Uri;
    }

    /// <summary>Connects a <see cref="ChatClient"/> (a real <see cref="System.Net.WebSockets.ClientWebSocket"/>).</summary>
    public Task<ChatClient> ConnectAsync(string? user = null, string? room = null, ChatClientOptions? options = null) =>
        ChatClient.ConnectAsync(WebSocketUriFor(user, room), options);

    /// <summary>Connects with <paramref name="token"/> as <c>access_token</c> (and an optional <c>user</c> the server
    /// must ignore).</summary>
    public Task<ChatClient> ConnectWithTokenAsync(string token, string? user = null, string? room = null) =>
        ChatClient.ConnectAsync(WebSocketUriFor(user, room, token));

    /// <summary>A client connected and joined to <paramref name="room"/> (its <c>joined</c> and <c>history</c> consumed).</summary>
    public async Task<ChatClient> ConnectAndJoinAsync(string user, string room)
    {
        var client = await ConnectAsync(user);
        await client.SendJsonAsync(new { type = "join", room_id = room });
        await client.ReceiveTypeAsync("joined", room);
        await client.ReceiveTypeAsync("history", room);
        return client;
    }

    /// <summary>An HTTP client for <see cref="BaseUri"/>.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseUri, Timeout = Deadline };

    /// <summary>
    /// Sends a WebSocket upgrade request for <c>/ws</c> (with <paramref name="accessToken"/> in the query and/or
    /// <paramref name="bearer"/> as <c>Authorization</c>) and returns the status and, for a refusal, its body.
    /// </summary>
    public async Task<(int Status, string Body)> ProbeUpgradeAsync(string? accessToken = null, string? bearer = null)
    {
        using var http = CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, WebSocketUriFor(accessToken: accessToken).PathAndQuery);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Deadline);
        var status = (int)response.StatusCode;
        return (status, status == 101 ? "" : await response.Content.ReadAsStringAsync().WaitAsync(Deadline));
    }

    /// <summary>GET a JSON document.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var http = CreateHttpClient();
        var body = await http.GetStringAsync(path).WaitAsync(Deadline);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A service of the running application.</summary>
    public T GetRequiredService<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>
    /// A restart in two halves, for tests that look at what the stop left behind (a spill file, the database) before
    /// the next start: starts a server with <paramref name="settings"/>, runs <paramref name="scenario"/> on it, stops it
    /// the way SIGTERM does (drain, spill; unless the scenario already did) and disposes it. Returns the stopped server
    /// and its settings, which start the next one on the same database and spill directory (as
    /// <see cref="RestartAsync"/> does in one step).
    /// </summary>
    public static async Task<(ChatServer Stopped, Dictionary<string, string?> Restart)> RunThenStopAsync(
        IReadOnlyDictionary<string, string?> settings, Func<ChatServer, Task> scenario)
    {
        var server = await StartAsync(settings);
        await using (server)
        {
            await scenario(server);
        }

        return (server, new Dictionary<string, string?>(server._settings));
    }

    /// <summary>Stops the host the way SIGTERM does (connections get 1001).</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private static string FindProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChatSocket.sln")))
            {
                return Path.Combine(directory.FullName, "ChatSocket");
            }
        }

        throw new InvalidOperationException("ChatSocket.sln not found above " + AppContext.BaseDirectory);
    }
}
