"""Runs the benchmarks of docs/BENCHMARKS.md and prints their results as Markdown.

Usage: run_benchmarks.py BUILD_DIR  (a build configured with -Dbench=true; ./run bench)

Wall-clock comparisons use hyperfine, the exporter and the alembic CLI in the same invocation so
each ratio comes from one run on the same (shared) machine; the scan benchmark and callgrind use
bench/script_scan_bench. Trees are generated once into BUILD_DIR/bench-trees and reused.

BENCH_BASELINE=/path/to/an/older/alembic_exporter adds that binary as one more command to every
`status` comparison (same hyperfine invocation), for before/after measurements of a change.
"""

import json
import os
import re
import shlex
import subprocess
import sys

from harness.alembic_project import ALEMBIC, AlembicProject
from harness.pg_cluster import PostgresCluster

import long_lived_tree
from bench_report import installed_exporter, load_average, machine, run, write_report

# Revisions per tree, and hyperfine warmups/runs for the commands that read it (the alembic CLI
# took 70-165 s per run at 10 000 revisions on the shared 2-core machine).
DATABASE_TREES = {50: (3, 20), 500: (3, 20), 5000: (1, 5), 10000: (1, 3)}
OFFLINE_TREE = 500
SCAN_TREES = (1000, 10000)
CALLGRIND_SCAN_TREE = 1000
SCAN_REPETITIONS = 30
GOALS_MS = {"cold_parse": 50.0, "unchanged_rescan": 2.0}


def alembic_cli(*args):
    return shlex.join(ALEMBIC + list(args))


def in_project(shape, command):
    """Run from the project directory, as an operator does: alembic resolves a relative
    script_location against the current directory."""
    return f"cd {shlex.quote(os.path.dirname(shape['ini']))} && {command}"


def hyperfine(name, commands, warmup, runs, results_dir):
    """Times `commands` (label -> shell command) in one hyperfine run; returns label ->
    (median, min) in seconds."""
    export = os.path.join(results_dir, f"{name}.json")
    command = ["hyperfine", "--warmup", str(warmup), "--runs", str(runs), "--ignore-failure",
               "--style", "basic", "--export-json", export]
    for label, shell_command in commands.items():
        command += ["--command-name", label, shell_command]
    subprocess.run(command, check=True, stdout=sys.stderr)
    with open(export) as handle:
        results = json.load(handle)["results"]
    return {result["command"]: (result["median"], result["min"]) for result in results}


def alembic_pending(start):
    """`alembic upgrade START:heads --sql`: the migrations `upgrade heads` would apply from START
    (a shell word), as offline SQL (offline mode cannot read the database, so the operator gives
    the start)."""
    return f"{alembic_cli('upgrade')} {start}:heads --sql"


# What an operator types to learn what `status` tells: the database's revision, the heads, and
# the pending migrations from that revision (the first word of `alembic current`'s line).
ALEMBIC_STATUS = (f'current=$({alembic_cli("current")}) && echo "$current" && '
                  f'{alembic_cli("heads")} && ' + alembic_pending('"${current%% *}"'))
ALEMBIC_STATUS_LABEL = "alembic current; alembic heads; alembic upgrade <current>:heads --sql"
# Issue 21's goal names these two: the revision and the heads, without the pending list.
ALEMBIC_CURRENT_HEADS = f'{alembic_cli("current")} && {alembic_cli("heads")}'
ALEMBIC_CURRENT_HEADS_LABEL = "alembic current; alembic heads"
LIBPQ_FLOOR_LABEL = "libpq alone: connect, read the version table (bench/libpq_floor)"
UPGRADE_LINE = re.compile(r"^-- Running upgrade .* -> (\w+)$", re.MULTILINE)


def expect_exit(command, code, needle):
    """hyperfine ignores exit codes (status exits 1 when behind): check each command once first.
    Returns the command's output."""
    result = subprocess.run(command, shell=True, capture_output=True, text=True)
    if result.returncode != code or needle not in result.stdout:
        raise SystemExit(f"unexpected result of {command} (exit {result.returncode}, wanted "
                         f"{code} and {needle!r}):\n{result.stdout}{result.stderr}")
    return result.stdout


def expect_same_pending(exporter_output, alembic_output):
    """The migrations alembic's offline SQL runs are exactly the exporter's pending ones, in the
    same order."""
    pending = [revision["revision"]
               for revision in json.loads(exporter_output)["components"][0]["pending_revisions"]]
    upgraded = UPGRADE_LINE.findall(alembic_output)
    if pending != upgraded:
        raise SystemExit(f"alembic upgrades {upgraded}, but status reports pending {pending}")
    return len(pending)


def with_baseline(exporter_label, exporter_command, exporter):
    """The exporter's command, and the same command run by BENCH_BASELINE when that is set."""
    commands = {exporter_label: exporter_command}
    baseline = os.environ.get("BENCH_BASELINE")
    if baseline:
        commands[f"{exporter_label} (baseline)"] = exporter_command.replace(
            shlex.quote(exporter), shlex.quote(os.path.abspath(baseline)), 1)
    return commands


TIMING_HEADER = ["| command | median | ratio | min | ratio of mins |", "|---|---:|---:|---:|---:|"]


def ratio_rows(timings, exporter_label):
    """Medians and minimums, each also as a multiple of the exporter's: on a shared machine the
    minimum is the least disturbed sample."""
    base_median, base_min = timings[exporter_label]
    return [f"| {label} | {median * 1000:.1f} ms | {median / base_median:.1f}× | "
            f"{minimum * 1000:.1f} ms | {minimum / base_min:.1f}× |"
            for label, (median, minimum) in timings.items()]


def database_benchmarks(exporter, libpq_floor, trees, results_dir):
    lines = ["## 1. `status` against PostgreSQL vs `alembic current` + `alembic heads` + "
             "`alembic upgrade <current>:heads --sql`", "",
             "Database stamped by the real `alembic stamp` 5 revisions behind the single head; "
             "`status` exits 1 (behind), checked before timing, and the revisions alembic's "
             "offline SQL upgrades are checked to be exactly `status`'s pending ones. Also "
             "timed: `alembic current` + `alembic heads` alone (what issue 21's goal names), and "
             "a C program that only connects with libpq over the same socket and reads the "
             "version table: the floor of any client.", ""]
    with PostgresCluster() as cluster:
        for size, (warmup, runs) in DATABASE_TREES.items():
            shape = trees[size]
            database = cluster.create_database(f"tree_{size}")
            project = AlembicProject.__new__(AlembicProject)  # existing project: no `init`
            project.root, project.ini = os.path.dirname(shape["ini"]), shape["ini"]
            project.set_option("sqlalchemy.url", cluster.sqlalchemy_url(database))
            project.stamp(shape["tail_start"])
            exporter_command = in_project(shape, shlex.join([exporter, "status", "--output",
                                                             "json"]))
            alembic_command = in_project(shape, ALEMBIC_STATUS)
            pending = expect_same_pending(expect_exit(exporter_command, 1, shape["tail_start"]),
                                          expect_exit(alembic_command, 0, shape["head"]))
            floor_command = shlex.join([libpq_floor, cluster.socket_uri(database)])
            expect_exit(floor_command, 0, shape["tail_start"])
            medians = hyperfine(f"status_database_{size}",
                                {**with_baseline("alembic_exporter status", exporter_command,
                                                 exporter),
                                 ALEMBIC_STATUS_LABEL: alembic_command,
                                 ALEMBIC_CURRENT_HEADS_LABEL: in_project(shape,
                                                                         ALEMBIC_CURRENT_HEADS),
                                 LIBPQ_FLOOR_LABEL: floor_command},
                                warmup, runs, results_dir)
            lines += [f"### {size} revisions ({shape['merges']} merges, {shape['depends_on']} "
                      f"depends_on, {pending} pending; warmup {warmup}, {runs} runs)", "",
                      *TIMING_HEADER,
                      *ratio_rows(medians, "alembic_exporter status"), ""]
    return lines


def offline_benchmark(exporter, shape, results_dir):
    exporter_command = shlex.join([exporter, "status", "--script-location",
                                   shape["script_location"], "--current", shape["tail_start"],
                                   "--output", "json"])
    alembic_command = in_project(
        shape, f"{alembic_cli('heads')} && {alembic_pending(shlex.quote(shape['tail_start']))}")
    pending = expect_same_pending(expect_exit(exporter_command, 1, shape["head"]),
                                  expect_exit(alembic_command, 0, shape["head"]))
    medians = hyperfine(f"status_current_{shape['revisions']}", {
        **with_baseline("alembic_exporter status --current", exporter_command, exporter),
        "alembic heads; alembic upgrade <rev>:heads --sql": alembic_command}, 3, 20, results_dir)
    return ["## 2. `status --current <rev>` (no database) vs `alembic heads` + "
            "`alembic upgrade <rev>:heads --sql`", "",
            f"{shape['revisions']} revisions, {pending} pending from `<rev>` (checked equal); "
            "warmup 3, 20 runs.", "",
            *TIMING_HEADER,
            *ratio_rows(medians, "alembic_exporter status --current"), ""]


def ms(value):
    """Milliseconds, with enough decimals for the microsecond rescans."""
    return f"{value:.2f} ms" if value >= 0.1 else f"{value:.4f} ms"


def scan_benchmarks(scan_bench, trees, results_dir):
    lines = ["## 3. Script directory scan (`bench/script_scan_bench`)", "",
             f"{SCAN_REPETITIONS} repetitions each after one untimed scan (page cache warm); "
             "cold = new `ScriptDirectory`, unchanged = rescan with nothing changed (trusting the "
             "inotify watches), unchanged full check = the same every `full_check_interval`-th "
             "scan (stat of every file), changed = rescan after one file's mtime moved.", "",
             "| revisions | measurement | median | p90 | min | goal (median) | met |",
             "|---:|---|---:|---:|---:|---:|---|"]
    for size in SCAN_TREES:
        output = run([scan_bench, trees[size]["versions"], str(SCAN_REPETITIONS)])
        with open(os.path.join(results_dir, f"scan_{size}.json"), "w") as handle:
            handle.write(output)
        result = json.loads(output)
        for name in ("cold_parse", "unchanged_rescan", "unchanged_full_check_rescan",
                     "changed_one_file_rescan"):
            stats = result[name]
            goal = GOALS_MS.get(name) if size == 10000 else None
            verdict = "" if goal is None else ("met" if stats["median_ms"] <= goal else "**missed**")
            lines.append(f"| {size} | {name.replace('_', ' ')} | {ms(stats['median_ms'])} | "
                         f"{ms(stats['p90_ms'])} | {ms(stats['min_ms'])} | "
                         f"{f'≤ {goal:g} ms' if goal else ''} | "
                         f"{verdict} |")
    return lines + [""]


def callgrind_instructions(command, results_dir, name, *options):
    out = os.path.join(results_dir, f"callgrind.{name}.out")
    result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                             *options, *command], capture_output=True, text=True)
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if collected is None:
        raise SystemExit(f"callgrind failed for {command}:\n{result.stderr}")
    return int(collected.group(1))


def callgrind_benchmarks(exporter, scan_bench, trees, results_dir):
    scan_tree = trees[CALLGRIND_SCAN_TREE]
    scan_only = callgrind_instructions(
        [scan_bench, "--cold-once", scan_tree["versions"]], results_dir, "scan",
        "--toggle-collect=*ScriptDirectory::scan*")
    scan_process = callgrind_instructions(
        [scan_bench, "--cold-once", scan_tree["versions"]], results_dir, "scan_process")
    status_tree = trees[OFFLINE_TREE]
    status = callgrind_instructions(
        [exporter, "status", "--script-location", status_tree["script_location"], "--current",
         status_tree["tail_start"], "--output", "json"], results_dir, "status_current")
    return ["## 4. Instruction counts (callgrind, `Ir`)", "",
            "| what | instructions |", "|---|---:|",
            f"| one cold `ScriptDirectory::scan()`, {CALLGRIND_SCAN_TREE} revisions | "
            f"{scan_only:,} |",
            f"| whole `script_scan_bench --cold-once`, {CALLGRIND_SCAN_TREE} revisions | "
            f"{scan_process:,} |",
            f"| whole `status --current`, {OFFLINE_TREE} revisions | {status:,} |", ""]


def main():
    # The alembic CLI runs as operators run it: caching compiled revision files in __pycache__.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    build_dir = os.path.abspath(sys.argv[1])
    exporter = installed_exporter(build_dir)
    scan_bench = os.path.join(build_dir, "bench", "script_scan_bench")
    results_dir = os.path.join(build_dir, "bench-results")
    os.makedirs(results_dir, exist_ok=True)
    trees = {}
    for size in sorted(set(DATABASE_TREES) | set(SCAN_TREES)):
        print(f"bench: tree of {size} revisions", file=sys.stderr)
        trees[size] = long_lived_tree.generate(
            os.path.join(build_dir, "bench-trees", str(size)), size)

    lines = ["# Results", "", *(f"* {line}" for line in machine(
        "python3-alembic", "python3-sqlalchemy", "postgresql-15", "hyperfine", "valgrind")),
        f"* load average at start: {load_average()}", ""]
    lines += database_benchmarks(exporter, os.path.join(build_dir, "bench", "libpq_floor"), trees,
                                 results_dir)
    lines += offline_benchmark(exporter, trees[OFFLINE_TREE], results_dir)
    lines += scan_benchmarks(scan_bench, trees, results_dir)
    lines += callgrind_benchmarks(exporter, scan_bench, trees, results_dir)
    write_report(results_dir, "results.md", "\n".join(lines))


if __name__ == "__main__":
    main()
