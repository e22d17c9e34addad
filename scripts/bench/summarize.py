#!/usr/bin/env python3
"""Turns the JSON reports of scripts/bench/run.sh into the markdown tables of docs/BENCHMARKS.md.

Usage: summarize.py RESULTS_DIR. Medians over the rounds (p99 also as min-max), losses summed over the rounds.
"""
import glob
import json
import os
import re
import statistics
import sys

WORKLOADS = {
    "fanout400": "1 room x 1,000 clients, 10 senders, 400 msgs/s offered = 400k deliveries/s",
    "fanout": "1 room x 1,000 clients, 10 senders, 800 msgs/s offered = 800k deliveries/s",
    "fanout100": "1 room x 1,000 clients, 10 senders, 100 msgs/s offered = 100k deliveries/s",
    "rooms10": "10 rooms x 100 clients, 10 senders each, 4,000 msgs/s offered = 400k deliveries/s",
    "rooms10half": "10 rooms x 100 clients, 10 senders each, 2,000 msgs/s offered = 200k deliveries/s",
    "rooms10quarter": "10 rooms x 100 clients, 10 senders each, 1,000 msgs/s offered = 100k deliveries/s",
    "fanout50": "1 room x 1,000 clients, 10 senders, 50 msgs/s offered = 50k deliveries/s",
    "fanout25": "1 room x 1,000 clients, 10 senders, 25 msgs/s offered = 25k deliveries/s",
    "rooms10eighth": "10 rooms x 100 clients, 10 senders each, 500 msgs/s offered = 50k deliveries/s",
    "rooms10sixteenth": "10 rooms x 100 clients, 10 senders each, 250 msgs/s offered = 25k deliveries/s",
    "rooms200": "200 rooms x 25 clients, 2 senders each, 8,000 msgs/s offered = 200k deliveries/s",
    "coldstart": "Cold start: 1 room x 1,000 at 400k deliveries/s from the server's first second (no warm-up)",
}
ORDER = ["chatsocket", "chatsocket-persist", "uws", "bun", "node-ws", "gorilla"]


def load(directory):
    runs = {}
    for path in glob.glob(os.path.join(directory, "*.json")):
        match = re.match(r"(.+?)-(fanout400|fanout100|fanout50|fanout25|fanout|rooms10half|rooms10quarter|rooms10eighth|rooms10sixteenth|rooms10|rooms200|coldstart|idle|joinstorm|maxrate)(?:-r(\d+))?\.json$", os.path.basename(path))
        if not match:
            continue
        with open(path) as f:
            runs.setdefault((match.group(2), match.group(1)), []).append(json.load(f))
    return runs


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=1):
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def servers(runs, workload):
    present = {name for (w, name) in runs if w == workload}
    return [s for s in ORDER if s in present] + sorted(present - set(ORDER))


def fanout_table(runs, workload):
    lines = [f"### {WORKLOADS[workload]}", "",
             "| server | rounds | delivered/s | p50 ms | p99 ms (min-max) | p99.9 ms | lost / dup / reorder | server CPU-s per M deliveries | server CPU % | RSS peak MB | generator CPU % | other work CPU % |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    base = {}
    acked = []  # issue 11's target for the servers that ack: ack p99 <= 2 x delivery p99, in each round
    for name in servers(runs, workload):
        steps = [r["steps"][0] for r in runs[(workload, name)] if r.get("steps")]
        if not steps:
            continue
        ack_ratios = [s["ack_latency"]["p99_ms"] / s["latency"]["p99_ms"] for s in steps
                      if (s.get("ack_latency") or {}).get("count") and s["latency"].get("p99_ms")]
        if ack_ratios:
            acked.append(f"{name} " + ", ".join(f"{r:.2f}" for r in ack_ratios))
        p99s = [s["latency"].get("p99_ms") for s in steps if s["latency"].get("count")]
        cpu_m = med([s.get("server", {}).get("cpu_s_per_million_deliveries") for s in steps])
        row = {
            "delivered": med([s["delivered_per_s"] for s in steps]),
            "p50": med([s["latency"].get("p50_ms") for s in steps]),
            "p99": med(p99s),
            "p999": med([s["latency"].get("p999_ms") for s in steps]),
            "cpu_m": cpu_m,
            "p99_best": min(p99s) if p99s else None,
        }
        base[name] = row
        lost = sum(s["lost"] for s in steps)
        dup = sum(s["duplicates"] for s in steps)
        ooo = sum(s["out_of_order"] for s in steps)
        spread = f"{fmt(min(p99s))}-{fmt(max(p99s))}" if p99s else "-"
        lines.append(
            f"| {name} | {len(steps)} | {fmt(row['delivered'])} | {fmt(row['p50'])} | {fmt(row['p99'])} ({spread}) | {fmt(row['p999'])} | "
            f"{lost:,} / {dup:,} / {ooo:,} | {fmt(cpu_m, 2)} | {fmt(med([s.get('server', {}).get('cpu_percent') for s in steps]), 0)} | "
            f"{fmt(med([s.get('server', {}).get('rss_peak_mb') for s in steps]), 0)} | {fmt(med([s['generator_cpu_percent'] for s in steps]), 0)} | "
            f"{fmt(med([s.get('other_cpu_percent') for s in steps]), 0)} |")
    if acked:
        lines += ["", "ack p99 / delivery p99, each round: " + "; ".join(acked) + "."]
    for ours in ("chatsocket", "chatsocket-persist"):
        if ours not in base:
            continue
        cs = base[ours]
        ratios = []
        for name, row in base.items():
            if name.startswith("chatsocket"):
                continue
            p99 = f"{cs['p99'] / row['p99']:.2f}" if cs["p99"] and row["p99"] else "-"
            cpu = f"{cs['cpu_m'] / row['cpu_m']:.2f}" if cs["cpu_m"] and row["cpu_m"] else "-"
            best = f"{cs['p99_best'] / row['p99_best']:.2f}" if cs["p99_best"] and row["p99_best"] else "-"
            ratios.append(f"{name}: p99 x{p99} (best rounds x{best}), CPU per delivery x{cpu}")
        if ratios:
            lines += ["", f"{ours} / peer (medians): " + "; ".join(ratios) + "."]
    return lines


def idle_table(runs):
    lines = ["### Idle connections", "",
             "| server | held | dropped | server RSS baseline -> held MB | KiB per connection | server CPU-s while held (10 s) | generator KiB per connection |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name in servers(runs, "idle"):
        for r in runs[("idle", name)]:
            i = r["idle"]
            lines.append(f"| {name} | {i['held']:,} | {i['dropped_while_held']} | {fmt(i.get('server_rss_baseline_mb'))} -> {fmt(i.get('server_rss_held_mb'))} | "
                         f"{fmt(i.get('server_kib_per_connection'), 2)} | {fmt(i.get('server_cpu_s_while_held'), 2)} | {fmt(i.get('generator_kib_per_connection'), 2)} |")
    return lines


def storm_table(runs):
    lines = ["### Join storm: 2,000 clients join one room at once (ChatSocket: 50 messages of history each)", "",
             "| server | joined | complete history | storm s | join p50 / p99 / max ms | history p50 / p99 ms | server CPU-s | RSS peak MB |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in servers(runs, "joinstorm"):
        for r in runs[("joinstorm", name)]:
            j = r["join_storm"]
            jl, hl = j["join_latency"], j["history_latency"]
            history = f"{j['complete_history']:,}" if r["protocol"] == "chatsocket" else "n/a (raw)"
            hist_lat = f"{fmt(hl.get('p50_ms'))} / {fmt(hl.get('p99_ms'))}" if hl.get("count") else "-"
            lines.append(f"| {name} | {j['joined']:,}/{j['clients']:,} | {history} | {fmt(j['storm_s'], 2)} | {fmt(jl.get('p50_ms'))} / {fmt(jl.get('p99_ms'))} / {fmt(jl.get('max_ms'))} | "
                         f"{hist_lat} | {fmt(j.get('server_cpu_s'), 2)} | {fmt(j.get('server_rss_peak_mb'), 0)} |")
    return lines


def maxrate_table(runs):
    lines = ["### Max sustainable rate, 1 room x 1,000 (p99 < 100 ms, nothing lost)", "",
             "| server | steps (msgs/s: p99 ms, lost) | max sustainable deliveries/s |", "| --- | --- | --- |"]
    for name in servers(runs, "maxrate"):
        for r in runs[("maxrate", name)]:
            steps = ", ".join(f"{s['offered_msgs_per_s']:.0f}: {fmt(s['latency'].get('p99_ms'))}, {s['lost']:,}" for s in r["steps"])
            lines.append(f"| {name} | {steps} | {fmt(r.get('max_sustainable_deliveries_per_s'))} |")
    return lines


def main():
    directory = sys.argv[1]
    runs = load(directory)
    out = []
    conditions = os.path.join(directory, "conditions.txt")
    if os.path.exists(conditions):
        out += ["```", open(conditions).read().strip(), "```", ""]
    for workload in WORKLOADS:
        if any(w == workload for (w, _) in runs):
            out += fanout_table(runs, workload) + [""]
    if any(w == "maxrate" for (w, _) in runs):
        out += maxrate_table(runs) + [""]
    if any(w == "idle" for (w, _) in runs):
        out += idle_table(runs) + [""]
    if any(w == "joinstorm" for (w, _) in runs):
        out += storm_table(runs) + [""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
