using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatSocket.Connections;

namespace EngineBench;

/// <summary>
/// What a delivery's send costs the server's own code: one 130-byte frame at a time to 200 loopback sockets, drained by
/// another process (so that its reads are not counted), through <see cref="SocketFrameWriter"/> (an immediate
/// <c>sendmsg</c>) and through the framework's asynchronous gather send alone (<see cref="GatherSend"/>, which every
/// send took before). User-mode CPU per send; the kernel's share is the same for both and larger than either.
/// </summary>
internal static class SendProbe
{
    private const int Sockets = 200;
    private const int Sends = 100_000;

    public static async Task RunAsync()
    {
        // This side listens and the child connects, so the port is this listener's own and nothing has to retry.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var sink = Process.Start(Environment.ProcessPath!, [typeof(SendProbe).Assembly.Location, "send-sink", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        var sockets = new List<Socket>();
        for (var i = 0; i < Sockets; i++)
        {
            var socket = await listener.AcceptSocketAsync();
            socket.NoDelay = true;
            sockets.Add(socket);
        }

        var writers = sockets.Select(s => new SocketFrameWriter(s)).ToArray();
        List<ReadOnlyMemory<byte>> frames = [new byte[130]];
        ArraySegment<byte>[] segments = [new(new byte[130])];
        for (var round = 1; round <= 4; round++)
        {
            var immediate = await MeasureAsync(async n => await writers[n % Sockets].WriteAsync(frames, CancellationToken.None));
            var gather = await MeasureAsync(async n => await GatherSend.SendAsync(sockets[n % Sockets], segments, 0, 1));
            Console.WriteLine($"send round {round}: immediate {immediate:F2} us, asynchronous gather send {gather:F2} us of user CPU per send");
        }

        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        await sink.WaitForExitAsync();
    }

    /// <summary>The other side: connects the probe's sockets and reads each until it closes.</summary>
    public static async Task SinkAsync(int port)
    {
        var reads = new List<Task>();
        for (var i = 0; i < Sockets; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            reads.Add(Task.Run(async () =>
            {
                var buffer = new byte[65_536];
                while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
                {
                }

                socket.Dispose();
            }));
        }

        await Task.WhenAll(reads);
    }

    private static async Task<double> MeasureAsync(Func<int, ValueTask> send)
    {
        for (var n = 0; n < Sends / 10; n++)
        {
            await send(n);
        }

        var user = Process.GetCurrentProcess().UserProcessorTime;
        for (var n = 0; n < Sends; n++)
        {
            await send(n);
        }

        return (Process.GetCurrentProcess().UserProcessorTime - user).TotalMicroseconds / Sends;
    }
}
