using ChatSocket.Client;

namespace ChatSocket.Chat;

/// <summary>The two halves of the terminal: the room's stream printed, and lines typed sent.</summary>
internal static class Terminal
{
    public static async Task PrintAsync(ChatRoom room, CancellationToken cancellationToken)
    {
        await foreach (var message in room.Messages(cancellationToken))
        {
            Console.WriteLine($"[{message.Timestamp.ToLocalTime():HH:mm:ss}] {message.Sender}: {message.Content}");
        }
    }

    /// <summary>Sends each line without waiting for the previous ack (typing is not blocked by a slow server);
    /// each send's task goes to <paramref name="sends"/> so that the caller awaits it.</summary>
    public static async Task TypeAsync(ChatRoom room, List<Task> sends, CancellationToken cancellationToken)
    {
        while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                sends.Add(SendAsync(room, line, cancellationToken));
            }
        }
    }

    private static async Task SendAsync(ChatRoom room, string line, CancellationToken cancellationToken)
    {
        try
        {
            await room.SendAsync(line, cancellationToken);
            Console.WriteLine($"✓ {line}");
        }
        catch (ChatException ex)
        {
            Console.WriteLine($"✗ {line} ({ex.Message})");
        }
    }
}
