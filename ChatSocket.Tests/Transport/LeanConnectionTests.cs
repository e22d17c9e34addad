using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatSocket.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Transport;

/// <summary>
/// <see cref="LeanListener"/> and <see cref="LeanConnection"/> on real loopback sockets: pipes only on demand, bytes
/// given back read first, output reaching the peer, and the connection's end seen from both sides.
/// </summary>
[TestFixture]
public sealed class LeanConnectionTests
{
    [Test]
    public async Task A_listener_on_port_0_accepts_on_the_port_it_got_and_returns_null_once_unbound()
    {
        await using var listener = LeanListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), 16);
        var port = ((IPEndPoint)listener.EndPoint).Port;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var accepted = await listener.AcceptAsync().AsTask().WaitAsync(ChatServer.Deadline);

        var pending = listener.AcceptAsync();
        await listener.UnbindAsync();

        Assert.That(port, Is.Not.Zero);
        Assert.That(accepted, Is.InstanceOf<LeanConnection>());
        Assert.That(accepted!.RemoteEndPoint, Is.EqualTo(client.LocalEndPoint));
        Assert.That(await pending.AsTask().WaitAsync(ChatServer.Deadline), Is.Null);
    }

    [Test]
    public async Task Binding_a_port_in_use_is_an_address_in_use_error()
    {
        await using var first = LeanListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), 16);

        Assert.Throws<AddressInUseException>(() => LeanListener.Bind((IPEndPoint)first.EndPoint, 16));
    }

    [Test]
    public async Task Bytes_given_back_are_read_from_the_pipe_before_the_sockets_own()
    {
        var (client, connection) = await PairAsync();
        using var _ = client;
        await using var __ = connection;
        var direct = connection.Features.Get<IDirectSocketFeature>()!;
        Assert.That(direct.CanReadDirectly, Is.True, "no pipes before anything asks for them");

        direct.Unread("GET "u8);
        await client.SendAsync("/health"u8.ToArray());
        var input = connection.Transport.Input;
        var read = await ReadAtLeastAsync(input, 11);

        Assert.That(read, Is.EqualTo("GET /health"));
        Assert.That(direct.CanReadDirectly, Is.False);
        Assert.Throws<InvalidOperationException>(() => direct.Unread("x"u8));
    }

    [Test]
    public async Task Output_reaches_the_peer_in_full_and_completing_it_ends_the_connection()
    {
        var (client, connection) = await PairAsync();
        using var _ = client;
        await using var __ = connection;
        var data = new byte[300_000];
        Random.Shared.NextBytes(data);

        // More than the output pipe's pause threshold: the writer waits for the socket.
        var writing = WriteAllAsync(connection.Transport.Output, data);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int count;
        while ((count = await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(ChatServer.Deadline)) > 0)
        {
            received.Write(buffer, 0, count);
        }

        await writing.WaitAsync(ChatServer.Deadline);
        Assert.That(received.ToArray(), Is.EqualTo(data));
    }

    [Test]
    public async Task A_peer_that_hangs_up_completes_the_input_and_fires_ConnectionClosed()
    {
        var (client, connection) = await PairAsync();
        await using var _ = connection;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = connection.ConnectionClosed.Register(closed.SetResult);
        var input = connection.Transport.Input;

        client.Shutdown(SocketShutdown.Both);
        client.Dispose();
        var result = await input.ReadAsync().AsTask().WaitAsync(ChatServer.Deadline);

        Assert.That(result.IsCompleted, Is.True);
        await closed.Task.WaitAsync(ChatServer.Deadline);
    }

    [Test]
    public async Task Abort_ends_a_direct_read_and_the_peer_sees_the_connection_end()
    {
        var (client, connection) = await PairAsync();
        using var _ = client;
        await using var __ = connection;
        var socket = connection.Features.Get<IConnectionSocketFeature>()!.Socket;
        var pending = socket.ReceiveAsync(new byte[16].AsMemory(), SocketFlags.None).AsTask();

        connection.Abort();

        Assert.That(connection.ConnectionClosed.IsCancellationRequested, Is.True);
        Assert.That(async () => await pending.WaitAsync(ChatServer.Deadline), Throws.InstanceOf<SocketException>().Or.InstanceOf<ObjectDisposedException>());
        var peer = await client.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(ChatServer.Deadline);
        Assert.That(peer, Is.Zero, "the peer reads the end of the stream");
    }

    [Test]
    public async Task Features_added_by_Kestrel_are_kept_beside_the_connections_own()
    {
        var (client, connection) = await PairAsync();
        using var _ = client;
        await using var __ = connection;
        var features = connection.Features;
        var revision = features.Revision;
        var notification = new object();

        features[typeof(object)] = notification;

        Assert.That(features.Revision, Is.GreaterThan(revision));
        Assert.That(features[typeof(object)], Is.SameAs(notification));
        Assert.That(features.Get<IConnectionIdFeature>()!.ConnectionId, Is.EqualTo(connection.ConnectionId).And.StartsWith("L"));
        Assert.That(features.Get<IConnectionSocketFeature>(), Is.SameAs(connection));
        Assert.That(features.Select(pair => pair.Key), Does.Contain(typeof(object)).And.Contain(typeof(IConnectionTransportFeature)));
        Assert.That(features.Get<IHttpsLikeFeature>(), Is.Null, "a feature nobody set");
    }

    private static async Task<(Socket Client, LeanConnection Connection)> PairAsync()
    {
        await using var listener = LeanListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), 16);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.EndPoint);
        var connection = await listener.AcceptAsync().AsTask().WaitAsync(ChatServer.Deadline);
        return (client, (LeanConnection)connection!);
    }

    private static async Task<string> ReadAtLeastAsync(PipeReader input, int count)
    {
        while (true)
        {
            var result = await input.ReadAsync().AsTask().WaitAsync(ChatServer.Deadline);
            if (result.Buffer.Length >= count || result.IsCompleted)
            {
                var text = Encoding.ASCII.GetString(result.Buffer);
                input.AdvanceTo(result.Buffer.End);
                return text;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static async Task WriteAllAsync(PipeWriter output, byte[] data)
    {
        for (var offset = 0; offset < data.Length; offset += 10_000)
        {
            await output.WriteAsync(data.AsMemory(offset, Math.Min(10_000, data.Length - offset)));
        }

        await output.CompleteAsync();
    }

    /// <summary>A feature type no one sets.</summary>
    private interface IHttpsLikeFeature;
}
