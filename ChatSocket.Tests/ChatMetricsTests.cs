using System.Diagnostics.Metrics;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests;

[TestFixture]
public sealed class ChatMetricsTests
{
    [Test]
    public async Task The_meter_reports_open_connections_active_rooms_and_accepted_messages()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await server.ConnectAndJoinAsync("alice", "metrics");
        await alice.SendJsonAsync(new { type = "send", room_id = "metrics", content = "counted" });
        await alice.ReceiveTypeAsync("message", "metrics");
        var meterFactory = server.GetRequiredService<IMeterFactory>();
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ChatMetrics.MeterName && instrument.Meter.Scope == meterFactory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = values.GetValueOrDefault(instrument.Name) + value);
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.That(values["chatsocket.connections.active"], Is.EqualTo(1));
        Assert.That(values["chatsocket.rooms.active"], Is.EqualTo(1));
        Assert.That(values["chatsocket.connections.queued_frames"], Is.GreaterThanOrEqualTo(0));
        Assert.That(values["chatsocket.connections.queues_behind"], Is.EqualTo(0));
        Assert.That(server.GetRequiredService<ChatMetrics>().AcceptedTotal, Is.EqualTo(1));
    }
}
