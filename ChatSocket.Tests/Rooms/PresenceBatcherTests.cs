using ChatSocket.Protocol;
using ChatSocket.Rooms;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Rooms;

[TestFixture]
public sealed class PresenceBatcherTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(50);

    // The default: 500 members fill one 50 ms window's budget.
    private const int Budget = 10_000;

    private ManualClock _clock = null!;

    [SetUp]
    public void CreateClock() => _clock = new ManualClock();

    [Test]
    public void The_first_event_in_a_quiet_room_goes_out_at_once()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);

        Assert.That(batcher.Add(new PresenceEvent("bob", true, 2), joiner: null), Is.EqualTo(PresenceStep.SendNow));
        Assert.That(batcher.Pending, Is.Zero);
    }

    [Test]
    public void Events_within_the_window_wait_and_go_out_as_one_batch_with_the_last_count()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var alice = new RecordingMember("alice");

        batcher.Add(new PresenceEvent("bob", true, 2), joiner: null);
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        var second = batcher.Add(new PresenceEvent("carol", true, 3), joiner: null);
        var third = batcher.Add(new PresenceEvent("bob", false, 2), joiner: null);
        Flush(batcher, alice);

        Assert.That(second, Is.EqualTo(PresenceStep.BatchStarted));
        Assert.That(third, Is.EqualTo(PresenceStep.Batched));
        Assert.That(batcher.UntilWindowEnds, Is.EqualTo(Window), "a flush starts a new window");
        Assert.That(alice.Frames, Has.Count.EqualTo(1));
        var frame = alice.Frames[0];
        Assert.That(frame.GetProperty("type").GetString(), Is.EqualTo("presence_batch"));
        Assert.That(frame.GetProperty("room_id").GetString(), Is.EqualTo("r"));
        Assert.That(PresenceFrames.Events(frame), Is.EqualTo(new[] { "carol join", "bob leave" }));
        Assert.That(frame.GetProperty("members").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public void A_batch_frame_and_a_joiners_tail_of_it_are_exact_json_whatever_the_names()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var alice = new RecordingMember("alice");
        var quoted = new RecordingMember("say \"hi\"");

        batcher.Add(new PresenceEvent("bob", true, 2), joiner: null);
        batcher.Add(new PresenceEvent("zoë", true, 3), joiner: null);
        batcher.Add(new PresenceEvent(quoted.User, true, 4), quoted);
        batcher.Add(new PresenceEvent("zoë", false, 3), joiner: null);
        batcher.Add(new PresenceEvent("bob", false, 2), joiner: null);
        Flush(batcher, alice, quoted);

        Assert.That(alice.Frames.Single().GetRawText(), Is.EqualTo(
            """{"type":"presence_batch","room_id":"r","events":[{"user":"zoë","event":"join"},{"user":"say \"hi\"","event":"join"},{"user":"zoë","event":"leave"},{"user":"bob","event":"leave"}],"members":2}"""));
        Assert.That(quoted.Frames.Single().GetRawText(), Is.EqualTo(
            """{"type":"presence_batch","room_id":"r","events":[{"user":"zoë","event":"leave"},{"user":"bob","event":"leave"}],"members":2}"""));
    }

    [Test]
    public void A_batch_of_one_event_is_a_plain_presence_frame_with_that_events_count()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var alice = new RecordingMember("alice");

        batcher.Add(new PresenceEvent("bob", true, 2), joiner: null);
        batcher.Add(new PresenceEvent("carol", true, 3), joiner: null);
        Flush(batcher, alice);

        Assert.That(alice.Frames.Single().GetRawText(), Is.EqualTo("""{"type":"presence","room_id":"r","user":"carol","event":"join","members":3}"""));
    }

    [Test]
    public void A_member_that_joined_during_the_batch_gets_only_what_followed_its_join()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var alice = new RecordingMember("alice");
        var carol = new RecordingMember("carol");
        var dave = new RecordingMember("dave");
        var erin = new RecordingMember("erin");

        batcher.Add(new PresenceEvent("bob", true, 2), joiner: null);
        batcher.Add(new PresenceEvent("carol", true, 3), carol);
        batcher.Add(new PresenceEvent("dave", true, 4), dave);
        batcher.Add(new PresenceEvent("bob", false, 3), joiner: null);
        batcher.Add(new PresenceEvent("erin", true, 4), erin);
        Flush(batcher, alice, carol, dave, erin);

        Assert.That(PresenceFrames.Events(alice.Frames.Single()), Is.EqualTo(new[] { "carol join", "dave join", "bob leave", "erin join" }));
        Assert.That(PresenceFrames.Events(carol.Frames.Single()), Is.EqualTo(new[] { "dave join", "bob leave", "erin join" }));
        Assert.That(PresenceFrames.Events(dave.Frames.Single()), Is.EqualTo(new[] { "bob leave", "erin join" }));
        Assert.That(erin.Frames, Is.Empty, "nothing follows erin's own join");
        Assert.That(carol.Frames.Single().GetProperty("members").GetInt32(), Is.EqualTo(4));
    }

    [Test]
    public void A_member_that_left_and_joined_again_during_the_batch_gets_what_followed_its_second_join()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var carol = new RecordingMember("carol");

        batcher.Add(new PresenceEvent("bob", true, 2), joiner: null);
        batcher.Add(new PresenceEvent("carol", true, 3), carol);
        batcher.Left(carol);
        batcher.Add(new PresenceEvent("carol", false, 2), joiner: null);
        batcher.Add(new PresenceEvent("carol", true, 3), carol);
        batcher.Add(new PresenceEvent("dave", true, 4), joiner: null);
        Flush(batcher, carol);

        Assert.That(PresenceFrames.Events(carol.Frames.Single()), Is.EqualTo(new[] { "dave join" }));
    }

    [Test]
    public void A_member_that_joined_again_gets_only_what_followed_its_new_joined_frame()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var alice = new RecordingMember("alice");
        var carol = new RecordingMember("carol");

        batcher.Add(new PresenceEvent("bob", true, 3), joiner: null);
        batcher.Add(new PresenceEvent("carol", true, 4), carol);
        batcher.Add(new PresenceEvent("dave", true, 5), joiner: null);
        batcher.JoinedAgain(alice);
        batcher.JoinedAgain(carol);
        batcher.Add(new PresenceEvent("erin", true, 6), joiner: null);
        Flush(batcher, alice, carol);

        Assert.That(PresenceFrames.Events(alice.Frames.Single()), Is.EqualTo(new[] { "erin join" }));
        Assert.That(PresenceFrames.Events(carol.Frames.Single()), Is.EqualTo(new[] { "erin join" }));
    }

    [Test]
    public void A_full_batch_asks_to_be_flushed_at_once()
    {
        var batcher = new PresenceBatcher("r", Window, 3, Budget, _clock);

        batcher.Add(new PresenceEvent("a", true, 2), joiner: null);
        var steps = new[]
        {
            batcher.Add(new PresenceEvent("b", true, 3), joiner: null),
            batcher.Add(new PresenceEvent("c", true, 4), joiner: null),
            batcher.Add(new PresenceEvent("d", true, 5), joiner: null),
        };

        Assert.That(steps, Is.EqualTo(new[] { PresenceStep.BatchStarted, PresenceStep.Batched, PresenceStep.BatchFull }));
    }

    [Test]
    public void Once_the_window_has_passed_without_events_the_next_one_goes_out_at_once_again()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var alice = new RecordingMember("alice");

        batcher.Add(new PresenceEvent("a", true, 2), joiner: null);
        batcher.Add(new PresenceEvent("b", true, 3), joiner: null);
        _clock.Advance(Window);
        Flush(batcher, alice);
        _clock.Advance(Window);

        Assert.That(batcher.Add(new PresenceEvent("c", true, 4), joiner: null), Is.EqualTo(PresenceStep.SendNow));
    }

    [Test]
    public void A_zero_window_never_batches()
    {
        var batcher = new PresenceBatcher("r", TimeSpan.Zero, 100, Budget, _clock);

        var steps = Enumerable.Range(0, 5).Select(i => batcher.Add(new PresenceEvent($"u{i}", true, i + 2), joiner: null));

        Assert.That(steps, Is.All.EqualTo(PresenceStep.SendNow));
    }

    [Test]
    public void A_cleared_batch_sends_nothing()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var alice = new RecordingMember("alice");

        batcher.Add(new PresenceEvent("a", true, 2), joiner: null);
        batcher.Add(new PresenceEvent("b", true, 3), joiner: null);
        batcher.Clear();
        Flush(batcher, alice);

        Assert.That(alice.Frames, Is.Empty);
        Assert.That(batcher.Pending, Is.Zero);
    }

    [Test]
    public void A_room_within_the_budget_keeps_the_configured_window()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);

        batcher.Add(new PresenceEvent("a", true, 500), joiner: null);

        Assert.That(batcher.Scale, Is.EqualTo(1));
        Assert.That(batcher.UntilWindowEnds, Is.EqualTo(Window));
    }

    [Test]
    public void A_big_rooms_window_grows_with_its_size_and_events_within_it_wait()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);

        var first = batcher.Add(new PresenceEvent("a", true, 2000), joiner: null);
        var scale = batcher.Scale;
        var window = batcher.UntilWindowEnds;
        _clock.Advance(Window * 3);
        var second = batcher.Add(new PresenceEvent("b", true, 2001), joiner: null);

        Assert.That(first, Is.EqualTo(PresenceStep.SendNow));
        Assert.That(scale, Is.EqualTo(4), "2,000 members at 10,000 frames/s: 200 ms");
        Assert.That(window, Is.EqualTo(Window * 4));
        Assert.That(second, Is.EqualTo(PresenceStep.BatchStarted), "150 ms later the 200 ms window is still open");
    }

    [Test]
    public void A_big_rooms_batch_holds_as_many_times_more_events_and_all_reach_a_member_in_one_frame()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);
        var alice = new RecordingMember("alice");

        batcher.Add(new PresenceEvent("first", true, 2000), joiner: null);
        var steps = Enumerable.Range(0, 400).Select(i => batcher.Add(new PresenceEvent($"u{i}", true, 2001 + i), joiner: null)).ToList();
        Flush(batcher, alice);

        Assert.That(steps.Take(399), Has.None.EqualTo(PresenceStep.BatchFull), "a small room's batch would be full at 100");
        Assert.That(steps[^1], Is.EqualTo(PresenceStep.BatchFull));
        var frame = alice.Frames.Single();
        Assert.That(PresenceFrames.Events(frame), Is.EqualTo(Enumerable.Range(0, 400).Select(i => $"u{i} join")));
        Assert.That(frame.GetProperty("members").GetInt32(), Is.EqualTo(2400));
        Assert.That(batcher.Scale, Is.EqualTo(5), "the next window is sized by the room after the batch (2,400 members)");
    }

    [Test]
    public void A_huge_rooms_window_stops_growing_at_the_maximum_scale()
    {
        var batcher = new PresenceBatcher("r", Window, 100, Budget, _clock);

        batcher.Add(new PresenceEvent("a", true, 1_000_000), joiner: null);

        Assert.That(batcher.Scale, Is.EqualTo(PresenceBatcher.MaxScale));
        Assert.That(batcher.UntilWindowEnds, Is.EqualTo(Window * PresenceBatcher.MaxScale));
    }

    [Test]
    public void Without_a_budget_a_big_rooms_window_is_the_configured_one()
    {
        var batcher = new PresenceBatcher("r", Window, 100, deliveriesPerSecond: 0, _clock);

        batcher.Add(new PresenceEvent("a", true, 1_000_000), joiner: null);

        Assert.That(batcher.Scale, Is.EqualTo(1));
        Assert.That(batcher.UntilWindowEnds, Is.EqualTo(Window));
    }

    private static void Flush(PresenceBatcher batcher, params IRoomMember[] members)
    {
        var wakeups = new SendLoopWakeups(members.Length);
        batcher.Flush(members, wakeups);
        wakeups.Schedule();
    }
}
