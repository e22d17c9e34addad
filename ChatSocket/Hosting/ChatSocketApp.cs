using ChatSocket.Backplane;
using ChatSocket.Connections;
using ChatSocket.Health;
using ChatSocket.History;
using ChatSocket.Identity;
using ChatSocket.Operations;
using ChatSocket.Persistence;
using ChatSocket.Rooms;
using ChatSocket.Search;
using ChatSocket.Analytics;
using ChatSocket.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ChatSocket.Hosting;

/// <summary>
/// Builds the whole application. <c>Program.cs</c> runs it; tests start the same application on
/// <c>http://127.0.0.1:0</c> with configuration overrides through the <c>configure</c> callback.
/// </summary>
public static class ChatSocketApp
{
    /// <summary>Creates the configured, not yet started, application.</summary>
    /// <param name="args">Command-line arguments (configuration, e.g. <c>--urls</c> or <c>--Chat:MaxConnections=10</c>).</param>
    /// <param name="configure">Runs on the builder before the chat services are added (tests: configuration overrides, logging).</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var logGate = new StartupLogGate();
        builder.Logging.AddFilter(StartupLogGate.HostCategory, logGate.Allows);
        configure?.Invoke(builder);
        builder.Services.AddMongoEndpoint();
        builder.Services.AddChatPersistence(builder.Configuration);
        // Out of range, the options' validation stops the start with the setting's name; the listeners are never bound.
        var backlog = Math.Clamp(builder.Configuration.GetValue($"{ChatOptions.SectionName}:{nameof(ChatOptions.ListenBacklog)}", defaultValue: 4096), 1, 65_535);
        var inline = builder.Configuration.GetValue<bool>($"{ChatOptions.SectionName}:{nameof(ChatOptions.InlineTransportScheduling)}");
        // Runs Kestrel's socket continuations inline: one thread-pool hop less per flush (see ChatOptions).
        builder.WebHost.UseSockets(sockets => (sockets.Backlog, sockets.UnsafePreferInlineScheduling) = (backlog, inline));
        if (!inline && builder.Configuration.GetValue($"{ChatOptions.SectionName}:{nameof(ChatOptions.LeanTransport)}", defaultValue: true))
        {
            // Registered after Kestrel's socket transport, so Kestrel tries it first for every endpoint it can bind.
            builder.Services.AddSingleton<IConnectionListenerFactory>(new LeanTransportFactory(backlog));
        }

        if (builder.Configuration.GetValue($"{ChatOptions.SectionName}:{nameof(ChatOptions.UpgradeBelowHttp)}", defaultValue: true))
        {
            // Every listener of the chat serves /ws upgrades below the HTTP layer; the metrics port serves /metrics only.
            var metricsPort = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()?.Port;
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
            {
                if ((metricsPort is null || listen.IPEndPoint?.Port != metricsPort) && listen.Protocols != HttpProtocols.Http2)
                {
                    listen.UseChatSocketBelowHttp();
                }
            }));
        }

        builder.Services.AddChatBackplane(builder.Configuration);
        builder.Services.AddChatIdentity();
        builder.Services.AddTokenSafeLogging(builder.Configuration);
        builder.Services.AddChatSocket();
        builder.Services.AddChatHealthChecks();
        builder.AddChatMetrics();
        builder.Services.AddChatApiReference();

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(logGate.Open);
        WarnAboutUnknownSettings(app);
        IdentityLog.Mode(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatSocket.Identity"), app.Services.GetRequiredService<IOptions<AuthOptions>>().Value);
        app.MapChatMetrics();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapChatSocket();
        app.MapRoomsApi();
        app.MapHistoryApi();
        app.MapSearchApi();
        app.MapStatsApi();
        app.MapAuthApi();
        app.MapChatHealth();
        app.MapChatApiReference();
        return app;
    }

    private static void WarnAboutUnknownSettings(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatSocket.Configuration");
        foreach (var (key, suggestion) in UnknownSettings.Find(app.Configuration, OptionsSection.All))
        {
            if (suggestion is not null)
            {
                HostingLog.UnknownSettingWithSuggestion(logger, key, suggestion);
            }
            else
            {
                HostingLog.UnknownSetting(logger, key);
            }
        }
    }
}
