"""Loads `/metrics` of `alembic_exporter serve` with wrk and prints the results as Markdown.

Usage: scrape_load.py BUILD_DIR  (a build configured with -Dbench=true; docs/BENCHMARKS.md)

One throwaway PostgreSQL cluster and a few real alembic projects serve 100 and then 1 000
components in mixed states (they share script directories and databases, the names are unique).
Once every component has been checked, wrk loads `/metrics` over loopback for a fixed time, plain
and with `Accept-Encoding: gzip` (as Prometheus sends), with one connection (one Prometheus) and
several; the same over TLS (a self-signed certificate in `web_config_file`) for 100 components.
Then callgrind counts the instructions one scrape computes (bench/scrape_bench) for the
same component counts.
"""

import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

from harness.alembic_project import AlembicProject
from harness.pg_cluster import PostgresCluster

from bench_report import load_average, machine, run, write_report

COMPONENT_COUNTS = (100, 1000)
TLS_COMPONENT_COUNTS = (100,)
WRK_SECONDS = 10
WRK_CONNECTIONS = (1, 8)
ENCODINGS = {"plain": [], "gzip": ["-H", "Accept-Encoding: gzip"]}
CALLGRIND_SCRAPES = 20
GOAL = {"components": 100, "p99_ms": 2.0, "requests_per_second": 5000}
# Out of every 20 components (bench/scrape_bench.cpp builds the same mix).
STATE_MIX = (["up_to_date"] * 12 + ["behind"] * 3 +
             ["diverged", "no_revision", "unknown_revision", "unreachable", "script_error"])
UNREACHABLE_URL = "postgresql://exporter@127.0.0.1:1/nowhere"


class Targets:
    """Script directories and databases, one per state; `component(state)` is the YAML of the
    settings a component in that state gets (besides its name)."""

    def __init__(self, root, cluster):
        self.cluster = cluster
        linear = AlembicProject(os.path.join(root, "linear"))
        revisions = [linear.revision(f"step {i}") for i in range(5)]
        forked = AlembicProject(os.path.join(root, "forked"))
        base = forked.revision("base")
        forked.revision("left", head=base)
        forked.revision("right", head=base, splice=True)
        broken = os.path.join(root, "broken")
        shutil.copytree(linear.script_dir, broken)
        with open(os.path.join(broken, "versions", "0badf11e_broken.py"), "w") as handle:
            handle.write('"""Broken."""\nrevision = "0badf11e\n')
        databases = {"up_to_date": (linear, "heads"), "behind": (linear, revisions[1]),
                     "diverged": (forked, base), "no_revision": (None, None),
                     "unknown_revision": (None, None)}
        for state, (project, target) in databases.items():
            cluster.create_database(state)
            if project is not None:
                project.set_option("sqlalchemy.url", cluster.sqlalchemy_url(state))
                project.stamp(target)
        cluster.psql("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); "
                     "INSERT INTO alembic_version VALUES ('0badc0ffee00')",
                     database="unknown_revision")
        self.locations = {"up_to_date": linear.script_dir, "behind": linear.script_dir,
                          "diverged": forked.script_dir, "no_revision": linear.script_dir,
                          "unknown_revision": linear.script_dir, "unreachable": linear.script_dir,
                          "script_error": broken}

    def component(self, state):
        url = UNREACHABLE_URL if state == "unreachable" else self.cluster.libpq_uri(
            "up_to_date" if state == "script_error" else state)
        return f"    script_location: {self.locations[state]}\n    database:\n      url: {url}\n"


def write_config(path, targets, count, web_config=None):
    lines = ['listen: ["127.0.0.1:0"]\ninterval: 30s\ntimeout: 20s\nlog: stderr\n',
             f"web_config_file: {web_config}\n" if web_config else "", "components:\n"]
    for index in range(count):
        lines.append(f"  - name: service-{index:04d}\n" +
                     targets.component(STATE_MIX[index % len(STATE_MIX)]))
    with open(path, "w") as handle:
        handle.write("".join(lines))


def expected_states(count):
    states = {}
    for index in range(count):
        state = STATE_MIX[index % len(STATE_MIX)]
        states[state] = states.get(state, 0) + 1
    return states


def write_web_config(directory):
    """A self-signed certificate for 127.0.0.1 and the web config that serves it."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-keyout", os.path.join(directory, "server.key"), "-out",
                    os.path.join(directory, "server.crt")], check=True, capture_output=True)
    path = os.path.join(directory, "web.yaml")
    with open(path, "w") as handle:
        handle.write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n")
    return path


def url(port, tls, path="/metrics"):
    return f"{'https' if tls else 'http'}://127.0.0.1:{port}{path}"


def fetch(port, tls, path, headers=None):
    """(Content-Encoding, body) of GET `path`; the self-signed certificate is not verified."""
    context = None
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url(port, tls, path), headers=headers or {})
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        return response.headers.get("Content-Encoding"), response.read()


def wait_until_checked(daemon, tls, count, timeout=120):
    """Waits for every component's first check, then checks the states are the intended mix."""
    deadline = time.monotonic() + timeout
    while True:
        components = json.loads(fetch(daemon.port, tls, "/status")[1])["components"]
        if len(components) == count or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    states = {}
    for component in components:
        states[component["state"]] = states.get(component["state"], 0) + 1
    if states != expected_states(count):
        raise SystemExit(f"components are not in the intended states: {states}, wanted "
                         f"{expected_states(count)}\n{daemon.log()[-3000:]}")


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port, tls, encoding, connections, results_dir, label):
    """One wrk run; returns its numbers (and fails on errors or non-200 answers)."""
    output = run(["wrk", "--latency", "-t", "1", "-c", str(connections), "-d",
                  f"{WRK_SECONDS}s", *ENCODINGS[encoding], url(port, tls)])
    with open(os.path.join(results_dir, f"wrk_{label}.txt"), "w") as handle:
        handle.write(output)
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw answers other than 200:\n{output}")
    # Requests wrk gave up on after its 2 s timeout, or lost connections: a result, not a failure.
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    return {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": milliseconds(latency["50"]), "p99_ms": milliseconds(latency["99"]),
            "socket_errors": sum(map(int, errors.groups())) if errors else 0}


def body_bytes(port, tls, encoding):
    headers = {"Accept-Encoding": "gzip"} if encoding == "gzip" else {}
    content_encoding, body = fetch(port, tls, "/metrics", headers)
    if (content_encoding == "gzip") != (encoding == "gzip"):
        raise SystemExit(f"/metrics did not answer {encoding}")
    return len(body)


def load_benchmarks(exporter_daemon, cluster, root, results_dir):
    targets = Targets(os.path.join(root, "projects"), cluster)
    web_config = write_web_config(root)
    rows = []
    runs = [(count, False) for count in COMPONENT_COUNTS] + \
        [(count, True) for count in TLS_COMPONENT_COUNTS]
    for count, tls in runs:
        config = os.path.join(root, f"config-{count}{'-tls' if tls else ''}.yaml")
        write_config(config, targets, count, web_config if tls else None)
        with exporter_daemon(config) as daemon:
            wait_until_checked(daemon, tls, count)
            for encoding in ENCODINGS:
                size = body_bytes(daemon.port, tls, encoding)
                for connections in WRK_CONNECTIONS:
                    load = load_average()
                    print(f"bench: wrk, {count} components, {'TLS, ' if tls else ''}{encoding}, "
                          f"{connections} connections (load {load})", file=sys.stderr)
                    result = wrk(daemon.port, tls, encoding, connections, results_dir,
                                 f"{count}{'_tls' if tls else ''}_{encoding}_{connections}")
                    rows.append({"components": count, "tls": tls, "encoding": encoding,
                                 "bytes": size, "connections": connections, "load": load,
                                 **result})
    return rows


def goal_verdict(rows):
    measured = [row for row in rows if row["components"] == GOAL["components"] and not row["tls"]]
    met = [row for row in measured if row["p99_ms"] <= GOAL["p99_ms"] and
           row["requests_per_second"] >= GOAL["requests_per_second"] and
           not row["socket_errors"]]
    return "met" if len(met) == len(measured) else \
        f"**missed** in {len(measured) - len(met)} of {len(measured)} runs"


def load_table(rows):
    lines = ["## `/metrics` under load (wrk)", "",
             f"wrk 1 thread, {WRK_SECONDS} s per run, keep-alive, loopback; components checked "
             "every 30 s during the runs (new snapshots are published meanwhile).", "",
             "| components | TLS | encoding | body | connections | req/s | p50 | p99 | "
             "socket errors | load avg before |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        lines.append(f"| {row['components']} | {'yes' if row['tls'] else 'no'} | "
                     f"{row['encoding']} | {row['bytes']:,} B | "
                     f"{row['connections']} | {row['requests_per_second']:,.0f} | "
                     f"{row['p50_ms']:.3f} ms | {row['p99_ms']:.3f} ms | {row['socket_errors']} | "
                     f"{row['load']} |")
    return lines + ["", f"Goal (100 components: p99 ≤ {GOAL['p99_ms']:g} ms at ≥ "
                        f"{GOAL['requests_per_second']:,} req/s, every run without TLS): "
                        f"{goal_verdict(rows)}.", ""]


def callgrind_table(scrape_bench, results_dir):
    lines = ["## Instructions per scrape (callgrind, `bench/scrape_bench`)", "",
             f"`Ir` of `run_scrapes()` divided by its {CALLGRIND_SCRAPES} scrapes: *cached* = "
             "the snapshot did not change since the previous scrape, *changed* = one "
             "component's check finished in between (a new snapshot to render).", "",
             "| components | encoding | snapshot | instructions per scrape |",
             "|---:|---|---|---:|"]
    for count in COMPONENT_COUNTS:
        for encoding in ENCODINGS:
            for snapshots in ("cached", "changed"):
                name = f"scrape_{count}_{encoding}_{snapshots}"
                out = os.path.join(results_dir, f"callgrind.{name}.out")
                result = subprocess.run(
                    ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                     "--toggle-collect=*run_scrapes*", scrape_bench, str(count),
                     str(CALLGRIND_SCRAPES), encoding, snapshots], capture_output=True, text=True)
                collected = re.search(r"Collected : (\d+)", result.stderr)
                if result.returncode != 0 or collected is None:
                    raise SystemExit(f"callgrind failed for scrape_bench:\n{result.stderr}")
                lines.append(f"| {count} | {encoding} | {snapshots} | "
                             f"{int(collected.group(1)) // CALLGRIND_SCRAPES:,} |")
    return lines + [""]


def main():
    build_dir = os.path.abspath(sys.argv[1])
    os.environ["ALEMBIC_EXPORTER"] = os.path.join(build_dir, "daemon", "alembic_exporter")
    from harness.daemon import ExporterDaemon  # reads ALEMBIC_EXPORTER when imported
    scrape_bench = os.path.join(build_dir, "bench", "scrape_bench")
    results_dir = os.path.join(build_dir, "bench-results")
    os.makedirs(results_dir, exist_ok=True)
    lines = ["# `/metrics` under load", "", *(f"* {line}" for line in machine("wrk", "libcivetweb1", "valgrind")),
             f"* load average at start: {load_average()}", ""]
    root = tempfile.mkdtemp(prefix="alembic-exporter-scrape-")
    try:
        settings = {"max_connections": str(max(COMPONENT_COUNTS) + 50)}
        with PostgresCluster(settings=settings) as cluster:
            rows = load_benchmarks(ExporterDaemon, cluster, root, results_dir)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    with open(os.path.join(results_dir, "scrape_load.json"), "w") as handle:
        json.dump(rows, handle, indent=1)
    lines += load_table(rows)
    lines += callgrind_table(scrape_bench, results_dir)
    write_report(results_dir, "scrape_load.md", "\n".join(lines))


if __name__ == "__main__":
    main()
