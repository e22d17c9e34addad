using Scalar.AspNetCore;

namespace ChatSocket.Hosting;

/// <summary>
/// The REST API described for tools: an OpenAPI document built by the framework from the endpoints' typed results
/// (<c>GET /openapi/v1.json</c>), and in Development an interactive reference page (<c>/scalar</c>).
/// </summary>
internal static class ApiReference
{
    public static IServiceCollection AddChatApiReference(this IServiceCollection services)
    {
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ChatSocket REST API";
            document.Info.Description = "History, rooms, health and operations of a ChatSocket server. The WebSocket protocol is described in docs/PROTOCOL.md and docs/asyncapi.yaml.";
            return Task.CompletedTask;
        }));
        return services;
    }

    public static WebApplication MapChatApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}
