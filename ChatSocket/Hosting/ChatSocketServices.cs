using System.Text.Json;
using System.Diagnostics.Metrics;
using ChatSocket.Chat;
using ChatSocket.Connections;
using ChatSocket.History;
using ChatSocket.Persistence;
using ChatSocket.Rooms;
using ChatSocket.Search;
using ChatSocket.Analytics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatSocket.Hosting;

/// <summary>Service registration of the chat server.</summary>
internal static class ChatSocketServices
{
    /// <summary>Options (validated at start), connections, the chat, rooms, history and keep-alive.</summary>
    public static IServiceCollection AddChatSocket(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>()
            .BindConfiguration(ChatOptions.SectionName)
            .Validate(o => o.IdleTimeout > o.PingInterval, "Chat:IdleTimeout must be longer than Chat:PingInterval")
            .Validate(o => o.DefaultHistory <= o.MaxHistory, "Chat:DefaultHistory must not exceed Chat:MaxHistory")
            .Validate(o => o.HistoryRoomCapacity >= 1 && o.MaxMessageBytes >= o.MaxContentLength, "Chat:MaxMessageBytes must hold Chat:MaxContentLength characters")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatOptions>, ChatOptionsAnnotationValidator>());

        // Shutdown waits for the 1001 close handshakes before the host gives up on connections.
        services.AddOptions<HostOptions>().Configure<IOptions<ChatOptions>>((host, chat) =>
            host.ShutdownTimeout = chat.Value.ShutdownTimeout + chat.Value.CloseTimeout + TimeSpan.FromSeconds(1));

        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default);
        });
        services.AddMetrics();
        services.AddSingleton(provider =>
        {
            var connections = provider.GetRequiredService<ConnectionRegistry>();
            var rooms = provider.GetRequiredService<RoomRegistry>();
            var backlog = provider.GetRequiredService<SendBacklog>();
            return new ChatMetrics(provider.GetRequiredService<IMeterFactory>(), () => connections.Count, () => rooms.Count, connections.QueuedFrames, () => backlog.QueuesBehind);
        });
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<SendBacklog>();
        services.AddSingleton<UserConnectionCounts>();
        services.AddSingleton<ConnectionAcceptor>();
        services.AddSingleton<UpgradeBelowHttp>();
        services.AddSingleton<DetachedConnections>();
        services.AddHostedService(provider => provider.GetRequiredService<DetachedConnections>());
        services.AddSingleton<ClientMsgIdMemory>();
        services.AddSingleton<RecentMessages>();
        services.AddSingleton<MessageHistory>();
        services.AddSingleton<IMessageHistory>(provider => provider.GetRequiredService<MessageHistory>());
        services.AddSingleton<IPendingMessageCache>(provider => provider.GetRequiredService<RecentMessages>());
        services.AddSingleton<RoomRegistry>();
        services.AddSingleton<MessageAcceptor>();
        services.AddSingleton<ChatRequestHandler>();
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section)
            .Validate(o => o.DefaultLimit <= o.MaxLimit, "Search:DefaultLimit must not exceed Search:MaxLimit")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SearchOptions>, SearchOptionsAnnotationValidator>());
        services.AddSingleton<RoomSearch>();
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section)
            .Validate(o => o.MaxHourBucketDays <= o.MaxRangeDays, "Analytics:MaxHourBucketDays must not exceed Analytics:MaxRangeDays")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnalyticsOptions>, AnalyticsOptionsAnnotationValidator>());
        services.AddHostedService<KeepAliveService>();
        return services;
    }

    /// <summary>The MongoDB the server stores into: configured, or the embedded engine started by the host.</summary>
    public static IServiceCollection AddMongoEndpoint(this IServiceCollection services)
    {
        services.AddOptions<EmbeddedStoreOptions>().BindConfiguration(EmbeddedStoreOptions.Section).ValidateOnStart()
            .PostConfigure<IHostEnvironment>((embedded, host) => embedded.DataDirectory = UnderContentRoot(embedded.DataDirectory, host));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddedStoreOptions>, EmbeddedStoreOptionsAnnotationValidator>());

        // Relative data directories mean the content root (the project directory under `dotnet run`), wherever the
        // process was started from: the README can then say where the data is.
        services.AddOptions<PersistenceOptions>().PostConfigure<IHostEnvironment>((persistence, host) =>
            persistence.DataDirectory = UnderContentRoot(persistence.DataDirectory, host) ?? persistence.DataDirectory);
        services.AddSingleton<IConnectionStringSource, MongoEndpoint>();
        return services;
    }

    private static string? UnderContentRoot(string? directory, IHostEnvironment host) =>
        string.IsNullOrWhiteSpace(directory) ? directory : Path.GetFullPath(directory, host.ContentRootPath);
}
