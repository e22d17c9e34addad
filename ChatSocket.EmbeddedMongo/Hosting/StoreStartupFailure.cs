using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ChatSocket.EmbeddedMongo.Hosting;

/// <summary>
/// Turns an exception that ended the standalone store's start into one line a person can act on, instead of an
/// unhandled exception with its stack trace.
/// </summary>
internal static class StoreStartupFailure
{
    /// <summary>The exit code of a store that could not start.</summary>
    public const int ExitCode = 1;

    /// <summary>One line for <paramref name="exception"/>; <paramref name="port"/> and <paramref name="dataDirectory"/>
    /// are the settings as given (options that failed validation have no value to read them from).</summary>
    public static string Describe(Exception exception, string? port, string? dataDirectory) => exception switch
    {
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } =>
            $"The store cannot start: port {port} is in use. Another mongod or store listens there: stop it, or choose another port with --port.",
        SocketException { SocketErrorCode: SocketError.AccessDenied } =>
            $"The store cannot start: this user may not listen on port {port}. Choose a port above 1023 with --port.",
        OptionsValidationException invalid => $"The store cannot start: {invalid.Message}",
        IOException or UnauthorizedAccessException =>
            $"The store cannot start: {exception.Message.TrimEnd('.')}. Check that the data directory (--dbpath {dataDirectory}) exists, is writable, has free space and is not used by another store.",
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0], port, dataDirectory),
        _ => $"The store cannot start: {exception.GetType().Name}: {exception.Message}",
    };
}
