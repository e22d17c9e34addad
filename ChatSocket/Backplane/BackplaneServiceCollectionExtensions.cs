using ChatSocket.Rooms;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatSocket.Backplane;

internal static class BackplaneServiceCollectionExtensions
{
    /// <summary>With <c>Backplane:Redis</c>: the Redis backplane (connected at start, a readiness check); without it,
    /// <see cref="NoBackplane"/>: rooms order their messages themselves.</summary>
    public static IServiceCollection AddChatBackplane(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackplaneOptions>().BindConfiguration(BackplaneOptions.Section)
            .Validate(o => o.HeartbeatInterval < o.NodeTimeout, "Backplane:HeartbeatInterval must be shorter than Backplane:NodeTimeout")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BackplaneOptions>, BackplaneOptionsAnnotationValidator>());
        if (string.IsNullOrWhiteSpace(configuration[$"{BackplaneOptions.Section}:{nameof(BackplaneOptions.Redis)}"]))
        {
            services.AddSingleton<IRoomBackplane, NoBackplane>();
            return services;
        }

        services.AddSingleton<BackplaneMetrics>();
        services.AddSingleton<RedisBackplane>();
        services.AddSingleton<IRoomBackplane>(provider => provider.GetRequiredService<RedisBackplane>());
        services.AddHostedService(provider => provider.GetRequiredService<RedisBackplane>());
        services.AddHealthChecks().AddCheck<BackplaneHealthCheck>("backplane", tags: ["ready"]);
        return services;
    }
}
