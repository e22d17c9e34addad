namespace ChatSocket.Persistence;

internal static class PersistenceServiceCollectionExtensions
{
    /// <summary>MongoDB (or the embedded engine), the bounded message queue and its batch writer.</summary>
    public static IServiceCollection AddChatPersistence(this IServiceCollection services)
    {
        services.AddOptions<MongoOptions>().BindConfiguration(MongoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddedStoreOptions>().BindConfiguration(EmbeddedStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PersistenceOptions>().BindConfiguration(PersistenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Registered first so it starts before the writer and the web server, and stops after them.
        services.AddSingleton<MongoConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<MongoConnection>());

        services.AddSingleton<MessageStore>();
        services.AddSingleton<MessageQueue>();
        services.AddSingleton<SpillFile>();
        services.AddSingleton<PersistenceHealth>();
        services.AddSingleton<PersistenceMetrics>();
        services.AddSingleton<MessageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<MessageWriter>());
        services.AddHealthChecks().AddCheck<MongoHealthCheck>("mongo", tags: ["ready"]);
        return services;
    }
}
