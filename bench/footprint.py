"""Daemon footprint: RSS, CPU, descriptors, threads and check durations of `alembic_exporter serve`
with many components against one PostgreSQL (docs/BENCHMARKS.md, "Footprint: RSS and CPU").

Usage: footprint.py BUILD_DIR [--minutes M] [--components N ...] [--interval S] [--warmup S]

One daemon per component count, all running at the same time against one throwaway PostgreSQL
cluster; each component has its own script directory and database (bench/footprint_components.py).
Every SAMPLE_SECONDS the sampler reads /proc/<pid>/{status,stat,fd}; every SCRAPE_SECONDS it
scrapes /metrics as Prometheus would, and keeps each new check's `alembic_check_duration_seconds`
(a check is new when its `alembic_last_check_timestamp_seconds` moved). CPU % is of one core over
the steady window, which starts `--warmup` seconds after the daemon started (excluding start-up
and the first round of checks); "first round" is when a scrape first showed every component.
Prints Markdown and writes it to BUILD_DIR/bench-results/footprint-<interval>s-<counts>.md.
Run with /usr/bin/python3 (Debian's alembic and psycopg2).
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import time

from harness import daemon as daemon_harness
from harness.daemon import ExporterDaemon
from harness.pg_cluster import PostgresCluster
from harness.throwaway_server import free_port

import footprint_components
from bench_report import installed_exporter, load_average, machine, run, write_report

SAMPLE_SECONDS = 5
SCRAPE_SECONDS = 15
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024
# Issue 11: RSS after 10 minutes; CPU with 1 000 components at the default interval.
RSS_GOAL_MIB = {3: 10, 100: 10, 1000: 64}
CPU_GOAL_PERCENT = {1000: 5.0}


def proc_status(pid):
    """VmRSS, VmHWM in bytes and Threads, from /proc/<pid>/status."""
    values = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(value.split()[0]) * 1024
            elif key == "Threads":
                values[key] = int(value)
    return values


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def smaps_rollup(pid):
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        return {match[0]: int(match[1]) * 1024
                for match in re.findall(r"^(\w+):\s+(\d+) kB", handle.read(), re.MULTILINE)}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Run:
    """One daemon with `count` components, and what was sampled of it."""

    def __init__(self, count, config_path):
        self.count = count
        self.daemon = ExporterDaemon(config_path)
        self.samples = []  # (seconds since start, status dict, cpu seconds, fds)
        self.last_checks = {}  # component -> last check timestamp seen
        self.durations = []  # (component, seconds) of every new check seen in the steady window
        self.first_round_seconds = None
        self.started = None

    def start(self, stack):
        stack.enter_context(self.daemon)
        self.started = time.monotonic()

    @property
    def pid(self):
        return self.daemon.process.pid

    def sample(self):
        fds = len(os.listdir(f"/proc/{self.pid}/fd"))
        self.samples.append((time.monotonic() - self.started, proc_status(self.pid),
                             cpu_seconds(self.pid), fds))

    def scrape(self, steady):
        metrics = self.daemon.metrics()
        checked = 0
        for (name, labels), value in metrics.items():
            if name != "alembic_last_check_timestamp_seconds":
                continue
            checked += 1
            component = dict(labels)["component"]
            if self.last_checks.get(component) != value:
                self.last_checks[component] = value
                if steady:
                    self.durations.append(
                        (component, metrics[("alembic_check_duration_seconds", labels)]))
        if self.first_round_seconds is None and checked == self.count:
            self.first_round_seconds = time.monotonic() - self.started

    def states(self):
        status, _, body = self.daemon.get("/status")
        assert status == 200, status
        counts = {}
        for component in json.loads(body)["components"]:
            counts[component["state"]] = counts.get(component["state"], 0) + 1
        return counts


def footprint_machine(cluster_settings):
    memory = re.search(r"^MemTotal:\s*(\d+) kB", open("/proc/meminfo").read(), re.MULTILINE)
    glibc = run(["ldd", "--version"]).splitlines()[0]
    limits = {name: open(f"/proc/sys/fs/inotify/{name}").read().strip()
              for name in ("max_user_instances", "max_user_watches")}
    return machine("postgresql-15") + [
        f"memory: {int(memory.group(1)) // 1024} MiB; {glibc}; throwaway cluster settings "
        f"{cluster_settings}",
        f"open files (soft/hard): {run(['sh', '-c', 'ulimit -Sn; ulimit -Hn']).split()}; "
        f"fs.inotify: {limits}"]


def write_config(path, interval, entries):
    with open(path, "w") as handle:
        handle.write(f'listen: ["127.0.0.1:0"]\ninterval: {round(interval * 1000)}ms\nlog: stderr\n'
                     "components:\n" + "".join(entries))


def postgres_footprint(cluster):
    """Connections the exporter holds and the cluster's total proportional set size."""
    connections = int(cluster.psql("SELECT count(*) FROM pg_stat_activity "
                                   "WHERE application_name = 'alembic_exporter'").strip())
    with open(os.path.join(cluster.data_dir, "postmaster.pid")) as handle:
        postmaster = int(handle.readline())
    pss = smaps_rollup(postmaster).get("Pss", 0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                if int(handle.read().rpartition(")")[2].split()[1]) == postmaster:
                    pss += smaps_rollup(int(entry)).get("Pss", 0)
        except (OSError, ValueError):
            continue  # the process ended meanwhile
    return connections, pss


def report_rows(runs, interval, warmup):
    rows = []
    for run_ in runs:
        steady = [sample for sample in run_.samples if sample[0] >= warmup]
        first, last = steady[0], steady[-1]
        cpu = (last[2] - first[2]) / (last[0] - first[0]) * 100
        rss_goal = RSS_GOAL_MIB.get(run_.count)
        cpu_goal = CPU_GOAL_PERCENT.get(run_.count) if interval == 30 else None
        verdicts = []
        if rss_goal is not None:
            verdicts.append(f"RSS ≤ {rss_goal} MiB: "
                            + ("met" if last[1]["VmRSS"] <= rss_goal * MIB else "**missed**"))
        if cpu_goal is not None:
            verdicts.append(f"CPU ≤ {cpu_goal:g} %: " + ("met" if cpu <= cpu_goal else "**missed**"))
        durations = [seconds * 1000 for _, seconds in run_.durations]
        duration_cells = (" / ".join(f"{percentile(durations, q):.1f}" for q in (0.5, 0.9, 0.99))
                          + f" / {max(durations):.1f}") if durations else "–"
        rows.append(
            f"| {run_.count} | {interval:g} s | {run_.first_round_seconds or float('nan'):.1f} s | "
            f"{first[1]['VmRSS'] / MIB:.1f} → {last[1]['VmRSS'] / MIB:.1f} MiB | "
            f"{max(s[1]['VmHWM'] for s in run_.samples) / MIB:.1f} MiB | {cpu:.2f} % | "
            f"{max(s[3] for s in run_.samples)} | {max(s[1]['Threads'] for s in run_.samples)} | "
            f"{duration_cells} ms ({len(durations)}) | {'; '.join(verdicts)} |")
    return rows


def report(runs, args, machine_lines, loads, extras, postgres):
    connections, pss = postgres
    lines = ["# Footprint", "", *(f"* {line}" for line in machine_lines),
             f"* load average: {loads[0]} at start, {loads[1]} at the end",
             f"* PostgreSQL at the end: {connections} exporter connections (all daemons), "
             f"cluster Pss {pss / MIB:.0f} MiB",
             f"* {args.minutes:g} min per daemon, all {len(runs)} at the same time; steady window "
             f"from {args.warmup:g} s after start; /proc sampled every {SAMPLE_SECONDS} s, "
             f"/metrics scraped every {SCRAPE_SECONDS} s", "",
             "| components | interval | first round | RSS (window start → end) | peak RSS "
             "(VmHWM) | CPU (one core, steady) | max fds | max threads | check duration "
             "p50 / p90 / p99 / max (checks seen) | goals |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
             *report_rows(runs, args.interval, args.warmup), "",
             "| components | states (from /status at the end) | smaps_rollup at the end |",
             "|---:|---|---|"]
    for run_ in runs:
        states, rollup = extras[run_.count]
        lines.append(f"| {run_.count} | {', '.join(f'{k} {v}' for k, v in sorted(states.items()))}"
                     f" | Rss {rollup['Rss'] / MIB:.1f} MiB, Pss {rollup['Pss'] / MIB:.1f} MiB, "
                     f"Anonymous {rollup['Anonymous'] / MIB:.1f} MiB |")
    return "\n".join(lines + [""])


def sample_until(runs, deadline, warmup):
    next_scrape = time.monotonic()
    while time.monotonic() < deadline:
        scrape = time.monotonic() >= next_scrape
        if scrape:
            next_scrape += SCRAPE_SECONDS
        for run_ in runs:
            run_.sample()
            if scrape:
                run_.scrape(steady=time.monotonic() - run_.started >= warmup)
        time.sleep(SAMPLE_SECONDS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--components", type=int, nargs="+", default=[3, 100, 1000])
    parser.add_argument("--interval", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=60, help="seconds excluded after start")
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    # The harness takes the binary from $ALEMBIC_EXPORTER when imported; here it is BUILD_DIR's,
    # installed.
    daemon_harness.EXPORTER = installed_exporter(build_dir)
    results_dir = os.path.join(build_dir, "bench-results")
    os.makedirs(results_dir, exist_ok=True)

    total = sum(args.components)
    # One connection per reachable component plus superuser sessions; PostgreSQL's default
    # max_connections (100) is an operator's first wall.
    settings = {"max_connections": str(total + 50)}
    root = tempfile.mkdtemp(prefix="alembic-exporter-footprint-")
    try:
        with PostgresCluster(settings=settings) as cluster:
            factory = footprint_components.ComponentFactory(root, cluster, free_port())
            runs = []
            for count in args.components:
                print(f"footprint: creating {count} components", file=sys.stderr)
                entries = [factory.create(f"c{count}_{index:04d}",
                                          footprint_components.state_of(index))
                           for index in range(count)]
                config = os.path.join(root, f"config-{count}.yaml")
                write_config(config, args.interval, entries)
                runs.append(Run(count, config))
            factory.close()
            machine_lines = footprint_machine(settings)
            loads = [load_average()]
            with contextlib.ExitStack() as stack:
                for run_ in runs:
                    run_.start(stack)
                print(f"footprint: {len(runs)} daemons running for {args.minutes:g} min",
                      file=sys.stderr)
                sample_until(runs, time.monotonic() + args.minutes * 60, args.warmup)
                loads.append(load_average())
                extras = {}
                for run_ in runs:
                    run_.sample()
                    extras[run_.count] = (run_.states(), smaps_rollup(run_.pid))
                postgres = postgres_footprint(cluster)
                for run_ in runs:
                    code, _ = run_.daemon.stop()
                    if code != 0:
                        print(f"footprint: daemon of {run_.count} exited {code}:\n"
                              f"{run_.daemon.log()[-2000:]}", file=sys.stderr)
                text = report(runs, args, machine_lines, loads, extras, postgres)
            # Before removing the cluster: deleting a thousand databases' files can take minutes.
            name = f"footprint-{args.interval:g}s-{'-'.join(map(str, args.components))}.md"
            write_report(results_dir, name, text)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
