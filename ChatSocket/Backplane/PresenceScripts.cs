namespace ChatSocket.Backplane;

/// <summary>
/// The Lua scripts of cluster-wide presence (docs/SCALING.md). Each node keeps a hash of its rooms,
/// <c>chatsocket:node:{N}:rooms</c>: room id -> <c>count:version</c>, and <c>~v</c> -> the version of its newest
/// change (a room missing from the hash has no member there as of that version); the hash expires unless the node
/// refreshes it. The sorted set <c>chatsocket:nodes</c> scores each node with the Redis time its heartbeat runs out.
/// Times are Redis's own (TIME), so the nodes' clocks do not matter.
/// </summary>
internal static class PresenceScripts
{
    /// <summary>One membership change: written to the node's hash and published on the room's channel in one step.
    /// KEYS[1] the node's hash, KEYS[2] the node set; ARGV[1] node id, ARGV[2] node timeout (ms), ARGV[3] room,
    /// ARGV[4] the node's count in it, ARGV[5] version, ARGV[6] channel, ARGV[7] payload. Returns 1 when the hash
    /// existed (0: lost, e.g. Redis restarted empty; the node writes it whole again).</summary>
    public const string Change = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local existed = redis.call('EXISTS', KEYS[1])
        if ARGV[4] == '0' then
          redis.call('HDEL', KEYS[1], ARGV[3])
        else
          redis.call('HSET', KEYS[1], ARGV[3], ARGV[4] .. ':' .. ARGV[5])
        end
        redis.call('HSET', KEYS[1], '~v', ARGV[5])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('PUBLISH', ARGV[6], ARGV[7])
        return existed
        """;

    /// <summary>The node's whole hash, written again. KEYS as <see cref="Change"/>; ARGV[1] node id, ARGV[2] node
    /// timeout (ms), ARGV[3] version, then pairs of room and count.</summary>
    public const string Rewrite = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], '~v', ARGV[3])
        for i = 4, #ARGV, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1] .. ':' .. ARGV[3])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
        return 1
        """;

    /// <summary>The heartbeat: the node's hash and its place in the node set live another timeout; nodes whose
    /// heartbeat ran out leave the set. KEYS as <see cref="Change"/>; ARGV[1] node id, ARGV[2] node timeout (ms).
    /// Returns whether the hash existed, then the live node ids.</summary>
    public const string Heartbeat = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
        local result = { redis.call('PEXPIRE', KEYS[1], ARGV[2]) }
        for _, node in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
          table.insert(result, node)
        end
        return result
        """;

    /// <summary>The live node ids (heartbeat not run out). KEYS[1] the node set.</summary>
    public const string LiveNodes = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
        """;
}
