namespace ChatSocket.Chat;

/// <summary>The command line: <c>--url ws://localhost:5000/ws --user alice --room lobby</c>.</summary>
internal sealed record ChatArguments(Uri Url, string User, string Room)
{
    public const string Usage = "usage: ChatSocket.Chat [--url ws://localhost:5000/ws] --user <name> [--room lobby]";

    public static ChatArguments? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            values[args[i][2..]] = args[i + 1];
        }

        if (args.Length % 2 != 0 || !values.TryGetValue("user", out var user) ||
            !Uri.TryCreate(values.GetValueOrDefault("url", "ws://localhost:5000/ws"), UriKind.Absolute, out var url))
        {
            return null;
        }

        return new ChatArguments(url, user, values.GetValueOrDefault("room", "lobby"));
    }
}
