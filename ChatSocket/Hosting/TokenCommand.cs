using System.Globalization;
using ChatSocket.Identity;

namespace ChatSocket.Hosting;

/// <summary>
/// <c>ChatSocket token --user alice [--rooms "lobby,team-*"] [--ttl 1h]</c>: mints a development token signed with
/// <c>Auth:SigningKey</c> (read like the server reads it: appsettings, user secrets, environment, command line) and
/// prints it as the only line on stdout, so that <c>TOKEN=$(dotnet run --project ChatSocket -- token --user alice)</c>
/// works. Everything else goes to stderr.
/// </summary>
internal static class TokenCommand
{
    /// <summary>The first argument that selects this command.</summary>
    public const string Name = "token";

    /// <summary>The lifetime without <c>--ttl</c>.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    private const string Usage = "usage: token --user <name> [--rooms \"lobby,team-*\"] [--ttl 1h] (ttl: 90s, 15m, 1h, 7d or hh:mm:ss)";

    /// <summary>Runs the command with the server's configuration; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // Only this command's own switches are taken out; the rest (--Auth:SigningKey=...) is configuration.
        if (!TryParse(args, out var user, out var rooms, out var lifetime, out var rest, out var error))
        {
            stderr.WriteLine($"token: {error}");
            stderr.WriteLine(Usage);
            return 1;
        }

        var builder = WebApplication.CreateBuilder(rest);
        var options = new AuthOptions();
        builder.Configuration.GetSection(AuthOptions.Section).Bind(options);
        return Run(options, user!, rooms, lifetime, stdout, stderr);
    }

    /// <summary>Mints with the given options (tests call this with their own).</summary>
    public static int Run(AuthOptions options, string user, IReadOnlyList<string>? rooms, TimeSpan lifetime, TextWriter stdout, TextWriter stderr)
    {
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            stderr.WriteLine("token: Auth:SigningKey is not set; set it in the environment (Auth__SigningKey), user secrets or on the command line (--Auth:SigningKey=...) to the server's key");
            return 1;
        }

        var validation = new AuthOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            stderr.WriteLine($"token: {string.Join("; ", validation.Failures)}");
            return 1;
        }

        if (rooms is not null && !RoomGrants.TryParse(rooms, out _, out var roomsError))
        {
            stderr.WriteLine($"token: --rooms: {roomsError}");
            return 1;
        }

        var token = DevelopmentTokens.Create(options, user, rooms, lifetime, DateTimeOffset.UtcNow);
        stderr.WriteLine($"token for {user}, rooms {(rooms is null ? "all" : string.Join(",", rooms))}, valid for {lifetime:c}:");
        stdout.WriteLine(token);
        return 0;
    }

    private static bool TryParse(string[] args, out string? user, out IReadOnlyList<string>? rooms, out TimeSpan lifetime, out string[] rest, out string? error)
    {
        user = null;
        rooms = null;
        lifetime = DefaultLifetime;
        error = null;
        var others = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is not ("--user" or "--rooms" or "--ttl"))
            {
                others.Add(arg);
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{arg} needs a value";
                break;
            }

            var value = args[++i];
            switch (arg)
            {
                case "--user":
                    user = value;
                    break;
                case "--rooms":
                    rooms = value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                default:
                    if (!TryParseLifetime(value, out lifetime))
                    {
                        error = $"--ttl {value} is not a lifetime";
                    }

                    break;
            }
        }

        if (error is null && string.IsNullOrWhiteSpace(user))
        {
            error = "--user is required";
        }

        rest = [.. others];
        return error is null;
    }

    private static bool TryParseLifetime(string text, out TimeSpan lifetime)
    {
        lifetime = default;
        if (text.Length >= 2 && char.IsAsciiLetter(text[^1]) && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? unit = text[^1] switch { 's' => TimeSpan.FromSeconds(1), 'm' => TimeSpan.FromMinutes(1), 'h' => TimeSpan.FromHours(1), 'd' => TimeSpan.FromDays(1), _ => null };
            if (unit is { } u)
            {
                lifetime = u * amount;
            }
        }
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed))
        {
            lifetime = parsed;
        }

        return lifetime > TimeSpan.Zero;
    }
}
