using EngineBench;

// Usage: dotnet run -c Release --project benchmarks/EngineBench -- [insert|history|memory|search|search-insert|single-insert|send|text-alloc|bson-read|all]
var mode = args.Length > 0 ? args[0] : "all";
if (mode is "insert" or "all")
{
    await InsertBenchmark.RunAsync();
}

if (mode is "probe")
{
    await EngineInsertProbe.RunAsync();
    PhaseProbe.Run();
}

if (mode is "text-alloc")
{
    TextAllocationProbe.Run();
}

if (mode is "bson-read")
{
    await BsonReadProbe.RunAsync();
}

if (mode is "memory")
{
    await MemoryBenchmark.RunAsync();
}

if (mode is "history" or "all")
{
    await HistoryBenchmark.RunAsync();
}

if (mode is "search-insert")
{
    await SearchBenchmark.InsertCostAsync();
}

if (mode is "single-insert")
{
    await SingleInsertProbe.RunAsync();
}

if (mode is "send")
{
    await SendProbe.RunAsync();
}

if (mode is "send-sink")
{
    await SendProbe.SinkAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
}

if (mode is "search")
{
    await SearchBenchmark.RunAsync();
}
