using ChatSocket.Client;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Client;

/// <summary>Reads a room's stream in the background into a list, until stopped or a count is reached.</summary>
internal static class RoomReader
{
    public static async Task<List<ChatMessage>> ReadAsync(ChatRoom room, int count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? ChatServer.Deadline);
        var messages = new List<ChatMessage>();
        try
        {
            await foreach (var message in room.Messages(deadline.Token))
            {
                messages.Add(message);
                if (messages.Count == count)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{room.RoomId}: {count} messages did not arrive in time; got {messages.Count}: {string.Join(", ", messages.Select(m => m.Content))}");
        }

        return messages;
    }
}
