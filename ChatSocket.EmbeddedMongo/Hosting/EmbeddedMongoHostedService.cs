using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatSocket.EmbeddedMongo.Hosting;

/// <summary>Runs an <see cref="EmbeddedMongoServer"/> for the lifetime of the host (the standalone console mode).</summary>
internal sealed class EmbeddedMongoHostedService(IOptions<EmbeddedMongoOptions> options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private EmbeddedMongoServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        settings.LoggerFactory ??= loggerFactory;
        _server = await EmbeddedMongoServer.StartAsync(settings, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().AsTask().WaitAsync(cancellationToken);
            _server = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
