using System.Text.Json;
using ChatSocket.Connections;
using ChatSocket.Messages;
using ChatSocket.Protocol;
using ChatSocket.Rooms;
using Microsoft.Extensions.Options;

namespace ChatSocket;

/// <summary>Service registration of the chat server.</summary>
internal static class ChatSocketServices
{
    /// <summary>Options (validated at start), connections, rooms, history, protocol and keep-alive.</summary>
    public static IServiceCollection AddChatSocket(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>()
            .BindConfiguration(ChatOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.IdleTimeout > o.PingInterval, "Chat:IdleTimeout must be longer than Chat:PingInterval")
            .Validate(o => o.DefaultHistory <= o.MaxHistory, "Chat:DefaultHistory must not exceed Chat:MaxHistory")
            .Validate(o => o.HistoryRoomCapacity >= 1 && o.MaxMessageBytes >= o.MaxContentLength, "Chat:MaxMessageBytes must hold Chat:MaxContentLength characters")
            .ValidateOnStart();

        // Shutdown waits for the 1001 close handshakes before the host gives up on connections.
        services.AddOptions<HostOptions>().Configure<IOptions<ChatOptions>>((host, chat) =>
            host.ShutdownTimeout = chat.Value.ShutdownTimeout + chat.Value.CloseTimeout + TimeSpan.FromSeconds(1));

        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddMetrics();
        services.AddSingleton<ChatMetrics>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<ConnectionAcceptor>();
        services.AddSingleton<RecentMessages>();
        services.AddSingleton<MessageHistory>();
        services.AddSingleton<IMessageHistory>(provider => provider.GetRequiredService<MessageHistory>());
        services.AddSingleton<RoomRegistry>();
        services.AddSingleton<MessageAcceptor>();
        services.AddSingleton<ClientFrameHandler>();
        services.AddHostedService<KeepAliveService>();
        return services;
    }
}
