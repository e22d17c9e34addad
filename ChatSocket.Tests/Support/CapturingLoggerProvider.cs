using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Tests.Support;

/// <summary>
/// Keeps every log entry of every category at every level as text: the message, the structured state's values, the
/// active scopes' values and the exception. For tests that prove something never reaches a log.
/// </summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>Entries kept at most; a test that needs more is doing too much.</summary>
    public const int Capacity = 200_000;

    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>Every entry so far, as "level category: text | state values | scope values | exception".</summary>
    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private void Add(string entry)
    {
        if (_entries.Count < Capacity)
        {
            _entries.Enqueue(entry);
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            AppendValues(text, state);
            owner._scopes.ForEachScope(static (scope, sb) => AppendValues(sb.Append(" | scope "), scope), text);
            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }

            owner.Add(text.ToString());
        }

        private static void AppendValues(System.Text.StringBuilder text, object? state)
        {
            text.Append(" | ").Append(state);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(' ').Append(key).Append('=').Append(value);
                }
            }
        }
    }
}
