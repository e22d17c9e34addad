using ChatSocket.Chat;
using ChatSocket.Client;

// A terminal chat on ChatSocket.Client: prints the room as it goes, sends each line typed, marks it ✓ once stored,
// and rides out server restarts (the library reconnects and resumes the room by itself).
if (ChatArguments.Parse(args) is not { } arguments)
{
    Console.Error.WriteLine(ChatArguments.Usage);
    return 2;
}

using var quit = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    quit.Cancel();
};

ChatClient client;
try
{
    client = await ChatClient.ConnectAsync(arguments.Url, new ChatClientOptions { User = arguments.User }, quit.Token);
}
catch (ChatConnectionException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

await using (client)
{
    client.StateChanged += (_, e) => Console.WriteLine($"-- {e.State}{(e.Error is null ? "" : $" ({e.Error.Message})")}");
    client.ReplayIncomplete += (_, e) => Console.WriteLine($"-- {e.RoomId}: the server could not replay ({e.ErrorCode}); retrying in {e.RetryIn.TotalSeconds:0.#} s");
    var room = await client.JoinAsync(arguments.Room, cancellationToken: quit.Token);
    Console.WriteLine($"-- joined {room.RoomId} as {arguments.User}; type a line and Enter to send, Ctrl+C to quit");

    var sends = new List<Task>();
    var printing = Terminal.PrintAsync(room, quit.Token);
    var typing = Terminal.TypeAsync(room, sends, quit.Token);
    try
    {
        if (await Task.WhenAny(printing, typing, client.Completion) == typing)
        {
            // End of input (a pipe): wait for the acks of what was typed before leaving.
            await Task.WhenAll(sends);
        }

        await quit.CancelAsync();
        await Task.WhenAll([printing, typing, .. sends]);
        await client.Completion;
    }
    catch (OperationCanceledException)
    {
        // Ctrl+C or end of input.
    }
    catch (ChatException ex)
    {
        Console.Error.WriteLine($"-- stopped: {ex.Message}");
        return 1;
    }
}

return 0;
