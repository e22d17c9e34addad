using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace ChatSocket.Hosting;

/// <summary>
/// Turns an exception that ended the start of the server into one line a person can act on (what, where, the fix),
/// instead of an unhandled exception with its stack trace.
/// </summary>
internal static partial class StartupFailure
{
    /// <summary>The exit code of a server that could not start.</summary>
    public const int ExitCode = 1;

    public static string Describe(Exception exception) => exception switch
    {
        OptionsValidationException invalid =>
            $"ChatSocket cannot start: invalid configuration: {string.Join("; ", invalid.Failures.Select(f => Readable(f, invalid.OptionsType)))}. Fix it in appsettings.json, an environment variable or the command line.",
        IOException { InnerException: AddressInUseException } or IOException { InnerException.InnerException: SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } =>
            $"ChatSocket cannot start: {exception.Message.TrimEnd('.')}. Another process listens there: stop it, or choose another address with --urls.",
        IOException io when io.Message.Contains("being used by another process", StringComparison.Ordinal) =>
            $"ChatSocket cannot start: {io.Message.TrimEnd('.')}. Another ChatSocket server probably uses the same data directory: stop it, or set Embedded:DataDirectory and Persistence:DataDirectory to another one.",
        IOException or UnauthorizedAccessException =>
            $"ChatSocket cannot start: {exception.Message.TrimEnd('.')}. Check that the data directory exists, is writable and has free space.",
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        _ => $"ChatSocket cannot start: {exception.GetType().Name}: {exception.Message}",
    };

    // An annotation validator's "MaxConnections: The field ChatOptions.MaxConnections must be between 1 and 10000000."
    // becomes "Chat:MaxConnections: The field MaxConnections must be between 1 and 10000000", named as the setting a
    // person writes. The other checks' messages name their settings already.
    private static string Readable(string failure, Type optionsType)
    {
        var match = AnnotationFailure().Match(failure);
        if (!match.Success)
        {
            return failure.TrimEnd('.');
        }

        var section = OptionsSection.All.FirstOrDefault(s => s.Options == optionsType)?.Name;
        var member = match.Groups["member"].Value;
        var error = match.Groups["error"].Value.Replace($"{optionsType.Name}.{member}", member, StringComparison.Ordinal);
        return $"{(section is null ? member : $"{section}:{member}")}: {error.TrimEnd('.')}";
    }

    [GeneratedRegex("^(?<member>[A-Za-z_][A-Za-z0-9_]*): (?<error>.*)$")]
    private static partial Regex AnnotationFailure();
}
