using System.Globalization;
using System.Net;

namespace ChatSocket.LoadTest.Options;

/// <summary>Reads <see cref="LoadOptions"/> from command-line arguments (<c>--name value</c> or <c>--name=value</c>).</summary>
internal static class LoadOptionsParser
{
    /// <summary>The usage text printed for --help and for bad arguments.</summary>
    public const string Usage = """
        ChatSocket.LoadTest: load generator for ChatSocket and raw-protocol WebSocket peers (loopback only).

          --url ws://127.0.0.1:5000/ws   server URL               --protocol chatsocket|raw
          --mode run|max-rate|idle|join-storm
          --rooms 20 --clients-per-room 50 --senders-per-room 5
          --rate 2000        messages sent per second, all senders together (k/M suffixes: 0.8k)
          --size 100         payload bytes               --duration 30s --warmup 10s --drain 10s
          --ramp-up 0s       spread connection opening   --connect-concurrency 200 --connect-timeout 15s
          --source-ips 127.0.0.1-127.0.0.8               --json out.json   --quiet
          --server-pid PID   read the server's RSS and CPU time from /proc
          --receive-time user|kernel   arrival times from the generator's reads (default) or the kernel's stamps
          max-rate:   --max-p99 100ms --step-factor 1.5 --max-steps 8   (starts at --rate)
          idle:       --connections 10000 --idle-warmup-connections 100 (held for --duration)
          join-storm: --clients 2000 --history 50
          chatsocket: --no-persist-check  --room-prefix lt123
        """;

    /// <summary>Parses <paramref name="args"/>; on failure returns null and the reason in <paramref name="error"/>.</summary>
    public static LoadOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new LoadOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{arg}'";
                return null;
            }

            string name;
            string? inline = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[2..equals];
                inline = arg[(equals + 1)..];
            }
            else
            {
                name = arg[2..];
            }

            if (name is "quiet" or "no-persist-check" or "help")
            {
                switch (name)
                {
                    case "quiet": options.Progress = false; break;
                    case "no-persist-check": options.CheckPersisted = false; break;
                    default: error = "help"; return null;
                }

                continue;
            }

            string value;
            if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                error = $"--{name} needs a value";
                return null;
            }

            try
            {
                if (!Apply(options, name, value))
                {
                    error = $"unknown option --{name}";
                    return null;
                }
            }
            catch (FormatException e)
            {
                error = $"--{name} {value}: {e.Message}";
                return null;
            }
        }

        var problems = options.Validate();
        if (problems.Count > 0)
        {
            error = string.Join(Environment.NewLine, problems);
            return null;
        }

        return options;
    }

    private static bool Apply(LoadOptions o, string name, string value)
    {
        switch (name)
        {
            case "url": o.Url = Uri.TryCreate(value, UriKind.Absolute, out var url) ? url : throw new FormatException("not an absolute URL"); break;
            case "protocol": o.Protocol = value.ToLowerInvariant() switch { "chatsocket" => WireProtocol.ChatSocket, "raw" => WireProtocol.Raw, _ => throw new FormatException("chatsocket or raw") }; break;
            case "receive-time": o.ReceiveTime = value.ToLowerInvariant() switch { "user" => ReceiveTimeSource.User, "kernel" => ReceiveTimeSource.Kernel, _ => throw new FormatException("user or kernel") }; break;
            case "mode": o.Mode = value.ToLowerInvariant() switch { "run" => LoadMode.Run, "max-rate" => LoadMode.MaxRate, "idle" => LoadMode.Idle, "join-storm" => LoadMode.JoinStorm, _ => throw new FormatException("run, max-rate, idle or join-storm") }; break;
            case "rooms": o.Rooms = ParseInt(value); break;
            case "clients-per-room": o.ClientsPerRoom = ParseInt(value); break;
            case "senders-per-room": o.SendersPerRoom = ParseInt(value); break;
            case "rate": o.Rate = ParseNumber(value); break;
            case "size": o.Size = ParseInt(value); break;
            case "duration": o.Duration = ParseDuration(value); break;
            case "warmup": o.Warmup = ParseDuration(value); break;
            case "drain": o.Drain = ParseDuration(value); break;
            case "ramp-up": o.RampUp = ParseDuration(value); break;
            case "connect-concurrency": o.ConnectConcurrency = ParseInt(value); break;
            case "connect-timeout": o.ConnectTimeout = ParseDuration(value); break;
            case "source-ips": o.SourceAddresses = ParseAddresses(value); break;
            case "json": o.JsonPath = value; break;
            case "server-pid": o.ServerPid = ParseInt(value); break;
            case "connections": o.Connections = ParseInt(value); break;
            case "idle-warmup-connections": o.IdleWarmupConnections = ParseInt(value); break;
            case "clients": o.Clients = ParseInt(value); break;
            case "history": o.History = ParseInt(value); break;
            case "max-p99": o.MaxP99 = ParseDuration(value); break;
            case "step-factor": o.StepFactor = ParseNumber(value); break;
            case "max-steps": o.MaxSteps = ParseInt(value); break;
            case "room-prefix": o.RoomPrefix = value; break;
            case "max-pending-send": o.MaxPendingSendBytes = ParseInt(value); break;
            case "max-frame": o.MaxFrameBytes = ParseInt(value); break;
            default: return false;
        }

        return true;
    }

    private static int ParseInt(string value)
    {
        var number = ParseNumber(value);
        return number is >= int.MinValue and <= int.MaxValue && number == Math.Floor(number)
            ? (int)number
            : throw new FormatException("not a whole number");
    }

    /// <summary>A number with an optional k (thousand) or M (million) suffix.</summary>
    internal static double ParseNumber(string value)
    {
        var multiplier = 1.0;
        if (value.EndsWith('k') || value.EndsWith('K'))
        {
            multiplier = 1e3;
            value = value[..^1];
        }
        else if (value.EndsWith('M'))
        {
            multiplier = 1e6;
            value = value[..^1];
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number * multiplier
            : throw new FormatException("not a number");
    }

    /// <summary>A duration such as 30s, 500ms, 2m or 1.5 (seconds).</summary>
    internal static TimeSpan ParseDuration(string value)
    {
        var (digits, unitSeconds) = value switch
        {
            _ when value.EndsWith("ms", StringComparison.Ordinal) => (value[..^2], 0.001),
            _ when value.EndsWith('s') => (value[..^1], 1.0),
            _ when value.EndsWith('m') => (value[..^1], 60.0),
            _ when value.EndsWith('h') => (value[..^1], 3600.0),
            _ => (value, 1.0),
        };
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? TimeSpan.FromSeconds(number * unitSeconds)
            : throw new FormatException("not a duration (30s, 500ms, 2m)");
    }

    /// <summary>IPv4 addresses: a comma list whose items may be ranges such as 127.0.0.1-127.0.0.8.</summary>
    internal static IReadOnlyList<IPAddress> ParseAddresses(string value)
    {
        var addresses = new List<IPAddress>();
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = item.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                addresses.Add(IPAddress.TryParse(item, out var single) ? single : throw new FormatException($"'{item}' is not an address"));
                continue;
            }

            if (!IPAddress.TryParse(item[..dash], out var first) || !IPAddress.TryParse(item[(dash + 1)..], out var last)
                || first.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || last.AddressFamily != first.AddressFamily)
            {
                throw new FormatException($"'{item}' is not an IPv4 range");
            }

            var from = ToNumber(first);
            var to = ToNumber(last);
            if (to < from || to - from > 255)
            {
                throw new FormatException($"'{item}' must run upwards over at most 256 addresses");
            }

            for (var n = from; n <= to; n++)
            {
                addresses.Add(new IPAddress([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]));
            }
        }

        return addresses;
    }

    private static uint ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }
}
