using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatSocket.Persistence;

internal static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// MongoDB (at the connection string an <see cref="IConnectionStringSource"/> gives), the bounded message queue
    /// and its batch writer; or, with <c>Persistence:Enabled=false</c>, null objects that store nothing.
    /// </summary>
    public static IServiceCollection AddChatPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MongoOptions>().BindConfiguration(MongoOptions.Section)
            // w: 0 would acknowledge writes nobody confirmed: an ack would no longer mean durable.
            .Validate(o => o.WriteConcern == "majority" || (int.TryParse(o.WriteConcern, out var nodes) && nodes >= 1), "Mongo:WriteConcern must be \"majority\" or a number of nodes of at least 1")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MongoOptions>, MongoOptionsAnnotationValidator>());
        services.AddOptions<PersistenceOptions>().BindConfiguration(PersistenceOptions.Section)
            .Validate(o => o.RetryInitialDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryInitialDelay, "Persistence:RetryMaxDelay must be at least Persistence:RetryInitialDelay, both positive")
            .Validate(o => o.ClientMsgIdCheckTimeout > TimeSpan.Zero, "Persistence:ClientMsgIdCheckTimeout must be positive")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersistenceOptions>, PersistenceOptionsAnnotationValidator>());
        services.AddSingleton<MessageQueue>();
        services.AddSingleton<PersistenceMetrics>();

        if (!configuration.GetValue(PersistenceOptions.Section + ":" + nameof(PersistenceOptions.Enabled), true))
        {
            services.AddSingleton<IMessageArchive, VolatileArchive>();
            services.AddSingleton<IMessageSink, NullMessageSink>();
            services.AddSingleton<IMessageSearch>(new NullMessageSearch(NullMessageSearch.PersistenceOffReason));
            services.AddSingleton<IMessageStats, NullMessageStats>();
            return services;
        }

        // With a database behind it, the ring must answer every join of a busy room alone: a join that had to read
        // the database while the ring evicts would have to read it again.
        services.AddOptions<ChatOptions>().Validate(
            o => o.HistoryCapacity > o.MaxHistory,
            "Chat:HistoryCapacity must exceed Chat:MaxHistory when persistence is on");

        // Registered before the writer (and before the web server) so it starts first and stops last.
        services.AddSingleton<MongoReachability>();
        services.AddSingleton<MongoConnection>();
        services.AddHostedService(provider => provider.GetRequiredService<MongoConnection>());
        services.AddSingleton<ClientMsgIdLookups>();
        services.AddHostedService(provider => provider.GetRequiredService<ClientMsgIdLookups>());

        services.AddSingleton<IMessageSink>(provider => provider.GetRequiredService<MessageQueue>());
        services.AddSingleton<MessageStore>();
        services.AddSingleton<IMessageArchive>(provider => provider.GetRequiredService<MessageStore>());
        if (configuration.GetValue(PersistenceOptions.Section + ":" + nameof(PersistenceOptions.SearchIndex), true))
        {
            services.AddSingleton<IMessageSearch, MessageSearch>();
        }
        else
        {
            services.AddSingleton<IMessageSearch>(new NullMessageSearch(NullMessageSearch.NoIndexReason));
        }

        services.AddSingleton<IMessageStats, MessageStats>();
        services.AddSingleton<SpillFile>();
        services.AddSingleton<PersistenceHealth>();
        services.AddSingleton<MessageWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<MessageWriter>());
        services.AddHealthChecks().AddCheck<MongoHealthCheck>("mongo", tags: ["ready"]);

        // The host waits for the writer's drain on top of the clients' close handshakes.
        services.AddOptions<HostOptions>().PostConfigure<IOptions<PersistenceOptions>>((host, persistence) =>
            host.ShutdownTimeout += persistence.Value.ShutdownDrainTimeout + TimeSpan.FromSeconds(2));
        return services;
    }
}
