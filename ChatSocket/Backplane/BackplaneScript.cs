namespace ChatSocket.Backplane;

/// <summary>
/// The Lua script that makes Redis the one ordering authority of a room: it issues the room's next id and publishes
/// the message in one atomic step, so the publish order is the id order on every subscriber.
/// <para>The id is 12 bytes like an ObjectId and sorts like one: 4-byte big-endian seconds, a 4-byte big-endian
/// counter within that second, then the room's 4-byte discriminator. MongoDB's <c>_id</c> is unique across rooms, so
/// two rooms must never issue the same id: the discriminator, drawn once per room from a global counter and kept in
/// the room's clock hash, tells them apart (within one room it is constant, so the counter gives the order). The seconds come from Redis's TIME but never go back (the last issued time is kept in
/// the room's clock hash), so ids keep growing when Redis's clock steps back. When the hash is missing (a new room,
/// or Redis restarted empty) the node's newest known id (ARGV[3], its seconds) is a floor: ids start in a later
/// second.</para>
/// KEYS[1] the room's clock hash, KEYS[2] its recent list, KEYS[3] the global discriminator counter; ARGV[1] the channel, ARGV[2] the encoded body, ARGV[3] the
/// floor's seconds or -1, ARGV[4] recent capacity, ARGV[5] recent retention in seconds. Returns the 40-character
/// header: the id (24 hex digits) and the timestamp in Unix milliseconds (16 hex digits).
/// </summary>
internal static class BackplaneScript
{
    public const string IssueAndPublish = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'ms', 'sec', 'n', 'd')
        local last, lastSec, n, d = tonumber(state[1]), tonumber(state[2]), tonumber(state[3]), tonumber(state[4])
        if d == nil then
          d = redis.call('INCR', KEYS[3]) % 4294967296
        end
        if last == nil then
          local floor = tonumber(ARGV[3])
          last, lastSec, n = 0, -1, -1
          if floor >= 0 then
            last, lastSec = (floor + 1) * 1000, floor + 1
          end
        end
        local ms = math.max(now, last)
        local sec = math.floor(ms / 1000)
        if sec == lastSec then n = n + 1 else n = 0 end
        redis.call('HSET', KEYS[1], 'ms', ms, 'sec', sec, 'n', n, 'd', d)
        local header = string.format('%08x%08x%08x%016x', sec, n, d, ms)
        local payload = header .. ARGV[2]
        local capacity = tonumber(ARGV[4])
        if capacity > 0 then
          redis.call('RPUSH', KEYS[2], payload)
          redis.call('LTRIM', KEYS[2], -capacity, -1)
          redis.call('EXPIRE', KEYS[2], ARGV[5])
        end
        redis.call('PUBLISH', ARGV[1], payload)
        return header
        """;
}
