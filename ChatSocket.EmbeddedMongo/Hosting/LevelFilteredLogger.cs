using Microsoft.Extensions.Logging;

namespace ChatSocket.EmbeddedMongo.Hosting;

/// <summary>Applies <see cref="EmbeddedMongoOptions.MinimumLogLevel"/> on top of whatever the logger factory allows.</summary>
internal sealed class LevelFilteredLogger(ILogger inner, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
