"""Start-up and idle memory of the installed alembic_exporter next to its peers, in one run
(docs/BENCHMARKS.md, "Start-up and resident memory").

Usage: startup.py BUILD_DIR [--idle SECONDS]

* Start-up: `alembic_exporter --version` against a C program linked to libpq alone (compiled
  here) and /bin/true, in one hyperfine invocation (no shell); callgrind instruction counts and
  the dynamic loader's statistics (LD_DEBUG=statistics) of the same commands.
* Idle memory: `alembic_exporter serve` and Debian's prometheus-sql-exporter, both watching the
  same 3 databases of one throwaway PostgreSQL (one up to date, one behind, one without a
  revision: bench/footprint_components.py), running side by side; after both have checked and
  been scraped, /proc/<pid>/smaps_rollup and VmHWM of each, and where the resident pages of
  each alembic_exporter are (/proc/<pid>/smaps, by mapped object).

BENCH_BASELINE=/path/to/an/older/alembic_exporter adds that binary to both parts.
Prints Markdown and writes it to BUILD_DIR/bench-results/startup.md. Run with /usr/bin/python3.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from harness import daemon as daemon_harness
from harness.daemon import ExporterDaemon
from harness.pg_cluster import PostgresCluster
from harness.throwaway_server import free_port

import footprint_components
from bench_report import installed_exporter, load_average, machine, run, write_report
from footprint import proc_status, smaps_rollup

SQL_EXPORTER = "/usr/bin/prometheus-sql-exporter"
LIBPQ_ONLY = "C program linked to libpq only"
COMPONENTS = 3
MIB = 1024 * 1024
# What alembic_exporter reads of a component, as sql_exporter would be set up to watch it.
SQL_EXPORTER_QUERY = """    queries:
      - name: alembic_version
        help: The revision stamped in the database.
        labels: [version_num]
        values: [present]
        query: SELECT version_num, 1 AS present FROM alembic_version
"""
LIBPQ_ONLY_PROGRAM = """#include <libpq-fe.h>
#include <stdio.h>
int main(int argc, char** argv) {
  if (argc > 99) PQfinish(NULL); /* keeps the reference: libpq is loaded and relocated */
  puts("libpq only");
  return 0;
}
"""


def libpq_only_program(results_dir):
    source = os.path.join(results_dir, "libpq_only.c")
    binary = os.path.join(results_dir, "libpq_only")
    with open(source, "w") as handle:
        handle.write(LIBPQ_ONLY_PROGRAM)
    flags = run(["pkg-config", "--cflags", "--libs", "libpq"]).split()
    subprocess.run(["cc", "-O2", "-o", binary, source, *flags], check=True)
    return binary


def loader_statistics(command):
    """Relocations the dynamic loader did and the objects it loaded, for `command`."""
    result = subprocess.run(command, capture_output=True, text=True,
                            env={**os.environ, "LD_DEBUG": "statistics,files"})
    relocations = re.search(r"final number of relocations: (\d+)", result.stderr)
    objects = len(set(re.findall(r"file=(\S+) \[0\];  generating link map", result.stderr)))
    return int(relocations.group(1)), objects + 1  # + the executable itself


def instructions(command):
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                             *command], capture_output=True, text=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def startup_section(commands, results_dir):
    export = os.path.join(results_dir, "startup.json")
    hyperfine = ["hyperfine", "-N", "--warmup", "20", "--runs", "300", "--style", "basic",
                 "--export-json", export]
    for label, command in commands.items():
        hyperfine += ["--command-name", label, " ".join(command)]
    subprocess.run(hyperfine, check=True, stdout=sys.stderr)
    with open(export) as handle:
        times = {result["command"]: result for result in json.load(handle)["results"]}
    floor = times[LIBPQ_ONLY]
    floor_instructions = instructions(commands[LIBPQ_ONLY])
    lines = ["## Start-up", "",
             "hyperfine -N, 20 warmups, 300 runs, all commands in one invocation (wall time: "
             "median and min; CPU: user + system, mean); instructions from callgrind (whole "
             "process); relocations and objects from LD_DEBUG. Ratios are to the C program "
             "linked to libpq only.", "",
             "| command | median | min | ratio | CPU | ratio | instructions | ratio | "
             "relocations | objects loaded |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, command in commands.items():
        result = times[label]
        cpu = result["user"] + result["system"]
        count = instructions(command)
        relocations, objects = loader_statistics(command)
        lines.append(f"| {label} | {result['median'] * 1000:.2f} ms | "
                     f"{result['min'] * 1000:.2f} ms | {result['median'] / floor['median']:.2f}× | "
                     f"{cpu * 1000:.2f} ms | {cpu / (floor['user'] + floor['system']):.2f}× | "
                     f"{count:,} | {count / floor_instructions:.2f}× | {relocations:,} | "
                     f"{objects} |")
    return lines + [""]


def write_sql_exporter_config(path, urls):
    jobs = "".join(f"  - name: c{index}\n    interval: 30s\n    connections:\n"
                   f"      - '{url.replace('postgresql://', 'postgres://')}?sslmode=disable'\n"
                   f"{SQL_EXPORTER_QUERY}" for index, url in enumerate(urls))
    with open(path, "w") as handle:
        handle.write("jobs:\n" + jobs)


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return response.read()


def memory_row(label, pid):
    rollup = smaps_rollup(pid)
    status = proc_status(pid)
    return (f"| {label} | {rollup['Rss'] / MIB:.1f} MiB | {rollup['Pss'] / MIB:.1f} MiB | "
            f"{rollup['Anonymous'] / MIB:.1f} MiB | {status['VmHWM'] / MIB:.1f} MiB | "
            f"{status['Threads']} |")


def resident_by_object(pid):
    """Rss and Pss (bytes) of each mapped file of `pid`, and of its anonymous memory: the heap,
    the main stack, and the other anonymous mappings (thread stacks, arenas), from smaps."""
    objects = {}
    name = None
    with open(f"/proc/{pid}/smaps") as handle:
        for line in handle:
            header = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$", line)
            if header:
                name = os.path.basename(header[1]) if header[1].startswith("/") else (
                    header[1] or "anonymous (thread stacks, malloc arenas)")
                continue
            field = re.match(r"^(Rss|Pss):\s+(\d+) kB", line)
            if field:
                totals = objects.setdefault(name, {"Rss": 0, "Pss": 0})
                totals[field[1]] += int(field[2]) * 1024
    return objects


def breakdown_section(pids, shown=14):
    """Where the resident pages of each alembic_exporter are, largest first."""
    by_label = {label: resident_by_object(pid) for label, pid in pids.items()}
    names = sorted({name for objects in by_label.values() for name in objects},
                   key=lambda name: -max(o.get(name, {"Rss": 0})["Rss"]
                                         for o in by_label.values()))
    labels = list(by_label)
    lines = ["### Resident pages by object (smaps, same moment)", "",
             "| object | " + " | ".join(f"{label} RSS (PSS)" for label in labels) + " |",
             "|---|" + "---:|" * len(labels)]
    for name in names[:shown]:
        cells = []
        for label in labels:
            totals = by_label[label].get(name)
            cells.append("-" if totals is None else
                         f"{totals['Rss'] / 1024:.0f} KiB ({totals['Pss'] / 1024:.0f})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    rest = [sum(totals["Rss"] for name, totals in by_label[label].items()
                if name not in names[:shown]) for label in labels]
    lines.append("| everything else | " + " | ".join(f"{bytes / 1024:.0f} KiB" for bytes in rest)
                 + " |")
    return lines + [""]


def memory_section(exporters, root, idle_seconds):
    with PostgresCluster() as cluster:
        factory = footprint_components.ComponentFactory(root, cluster, free_port())
        entries = [factory.create(f"c{index}", footprint_components.state_of(index))
                   for index in range(COMPONENTS)]
        factory.close()
        config = os.path.join(root, "alembic_exporter.yaml")
        with open(config, "w") as handle:
            handle.write('listen: ["127.0.0.1:0"]\ninterval: 30s\nlog: stderr\ncomponents:\n'
                         + "".join(entries))
        sql_config = os.path.join(root, "sql_exporter.yml")
        write_sql_exporter_config(sql_config, re.findall(r"url: (\S+)", "".join(entries)))
        sql_port = free_port()
        with contextlib.ExitStack() as stack:
            daemons = {}
            for label, binary in exporters.items():
                daemon_harness.EXPORTER = binary  # read by start()
                daemons[label] = stack.enter_context(ExporterDaemon(config))
            sql = subprocess.Popen([SQL_EXPORTER, "-config.file", sql_config,
                                    "-web.listen-address", f"127.0.0.1:{sql_port}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            stack.callback(sql.wait)
            stack.callback(sql.terminate)
            time.sleep(5)  # the first round of checks of every daemon
            ports = {label: daemon.port for label, daemon in daemons.items()}
            ports["prometheus-sql-exporter"] = sql_port
            for _ in range(2):  # as Prometheus would: the first scrape and a later one
                for port in ports.values():
                    scrape(port)
                time.sleep(idle_seconds / 2)
            pids = {label: daemon.process.pid for label, daemon in daemons.items()}
            pids["prometheus-sql-exporter"] = sql.pid
            return ["## Idle memory, 3 components", "",
                    f"Each daemon watching the same {COMPONENTS} databases (30 s interval), "
                    f"scraped twice, read {idle_seconds:g} s after the first scrape.", "",
                    "| daemon | RSS | PSS | Anonymous | peak RSS (VmHWM) | threads |",
                    "|---|---:|---:|---:|---:|---:|",
                    *(memory_row(label, pid) for label, pid in pids.items()), "",
                    *breakdown_section({label: pid for label, pid in pids.items()
                                        if label != "prometheus-sql-exporter"})]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--idle", type=float, default=20, help="seconds between the scrapes")
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    results_dir = os.path.join(build_dir, "bench-results")
    os.makedirs(results_dir, exist_ok=True)
    exporters = {"alembic_exporter": installed_exporter(build_dir)}
    if os.environ.get("BENCH_BASELINE"):
        exporters["alembic_exporter (baseline)"] = os.environ["BENCH_BASELINE"]
    commands = {f"{label} --version": [binary, "--version"] for label, binary in exporters.items()}
    commands[LIBPQ_ONLY] = [libpq_only_program(results_dir)]
    commands["/bin/true"] = ["/bin/true"]

    lines = ["# Start-up and idle memory", "",
             *(f"* {line}" for line in machine("libpq5", "prometheus-sql-exporter", "hyperfine")),
             f"* load average at start: {load_average()}", ""]
    lines += startup_section(commands, results_dir)
    root = tempfile.mkdtemp(prefix="alembic-exporter-startup-")
    try:
        lines += memory_section(exporters, root, args.idle)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    lines.append(f"Load average at the end: {load_average()}")
    write_report(results_dir, "startup.md", "\n".join(lines))


if __name__ == "__main__":
    main()
