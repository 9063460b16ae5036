"""Discovered tenant fleets against sql_exporter (Debian prometheus-sql-exporter) in the same run
(issue 18, item 6; docs/BENCHMARKS.md, "Tenant fleet: discovered databases and schemas").

Usage: discovered_fleet.py BUILD_DIR [--databases N] [--schemas M] [--interval S] [--intervals K]

Two fleets of harness/tenant_fleet.py (the real alembic's tree and levels), one throwaway
PostgreSQL 15 each, both exporters running at the same time:

* databases: N (1 000) tenant databases. alembic_exporter: one component discovering
  `tenant_%`; sql_exporter: one job with the N connections and one query each.
* schemas: M (5 000) tenant schemas of one database. alembic_exporter: one component discovering
  schemas; sql_exporter: one connection and one query reading every schema's version table.

Beside them in the databases fleet, bench/libpq_floor reads the same databases at the same pace,
one new libpq session each, and nothing else: the floor of a check that connects every time.

After every target's first check, K (4) intervals of S (30) s: utime+stime, VmRSS and
smaps_rollup Pss of each exporter, `/metrics` scraped once per interval as Prometheus would. Each
exporter connects as its own role, and the server logs every statement and connection during that
window: the report counts what each one sent per interval. Then wrk loads `/metrics` of both.
Run with /usr/bin/python3.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from harness import daemon as daemon_harness
from harness.daemon import ExporterDaemon, discovered_targets
from harness.pg_cluster import PostgresCluster
from harness.tenant_fleet import SCHEMA_DATABASE, TenantFleet

from bench_report import installed_exporter, load_average, machine, write_report
from footprint import cpu_seconds, write_config
from scrape_load import body_bytes, wrk
from shared_tree_footprint import MIB, SqlExporter, sample, sql_exporter_config, sql_exporter_dsn

# Issue 18, item 6: RSS and CPU for the databases, one query and p99 for the schemas.
RSS_GOAL_MIB = 40
CPU_GOAL_PERCENT = 1.0
P99_GOAL_MS = 50.0
ROLES = {"alembic_exporter": "bench_alembic", "sql_exporter": "bench_sql",
         "libpq floor": "bench_floor"}
# sql_exporter cannot discover: one query that reads every tenant schema's version table.
SCHEMAS_QUERY = (
    "SELECT n.nspname AS schema, (xpath('/row/v/text()', query_to_xml(format("
    "'SELECT version_num AS v FROM %I.alembic_version', n.nspname), false, true, '')))[1]::text "
    "AS version_num, 1 AS one FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
    "AND c.relname = 'alembic_version' WHERE n.nspname LIKE 'tenant_%'")
LOGGED = re.compile(r"^(\w+):LOG:  (?:statement|execute [^:]*): (.*)$")
CONNECTED = re.compile(r"^(\w+):LOG:  connection authorized")


def alembic_exporter_config(path, fleet, cluster, kind, interval):
    server = cluster.libpq_uri("postgres" if kind == "databases" else SCHEMA_DATABASE,
                               user=ROLES["alembic_exporter"])
    write_config(path, interval, [
        f"  - name: tenants\n    script_location: {fleet.script_location}\n"
        f"    database: {{url: \"{server}\"}}\n"
        f"    discover: {{{kind}: \"tenant_%\", max_targets: 100000}}\n"])


class ServerLog:
    """What the server logged since `mark()`: statements and connections per role."""

    def __init__(self, cluster):
        self.cluster = cluster
        for role in ROLES.values():
            cluster.psql(f"CREATE ROLE {role} LOGIN SUPERUSER")
        self.offset = 0

    def start(self):
        for setting in ("log_statement = 'all'", "log_connections = on",
                        "log_line_prefix = '%u:'"):
            self.cluster.psql(f"ALTER SYSTEM SET {setting}")
        self.cluster.psql("SELECT pg_reload_conf()")
        self.mark()

    def mark(self):
        self.offset = os.path.getsize(self.cluster.log_file)

    def read(self):
        """{role: (connections, Counter of statement texts' first 60 characters)}."""
        with open(self.cluster.log_file, errors="replace") as handle:
            handle.seek(self.offset)
            lines = handle.read().splitlines()
        found = {role: [0, collections.Counter()] for role in ROLES.values()}
        for line in lines:
            if (match := CONNECTED.match(line)) and match.group(1) in found:
                found[match.group(1)][0] += 1
            elif (match := LOGGED.match(line)) and match.group(1) in found:
                found[match.group(1)][1][match.group(2)[:60]] += 1
        return found


def libpq_floor(args, fleet, cluster):
    """bench/libpq_floor reading every tenant database in turn at the exporters' pace: the least
    CPU a client spends on one new libpq session per check (its own role; no TLS or GSSAPI
    probes, which this server would decline)."""
    every_ms = round(args.interval * 1000 / len(fleet.databases))
    conninfos = [cluster.libpq_uri(name, user=ROLES["libpq floor"]) +
                 "?gssencmode=disable&sslmode=disable" for name in sorted(fleet.databases)]
    return subprocess.Popen([os.path.join(args.build_dir, "bench", "libpq_floor"), "--every",
                             str(every_ms), *conninfos])


def measure(label, fleet, cluster, root, kind, count, args, binary, built):
    """Runs both exporters over the fleet; returns the report's lines for it."""
    config = os.path.join(root, f"alembic-{kind}.yaml")
    alembic_exporter_config(config, fleet, cluster, kind, args.interval)
    sql_config = os.path.join(root, f"sql-{kind}.yaml")
    role = ROLES["sql_exporter"]
    if kind == "databases":
        sql_exporter_config(sql_config, [sql_exporter_dsn(cluster, name, role)
                                         for name in fleet.databases], args.interval)
    else:
        sql_exporter_config(sql_config, [sql_exporter_dsn(cluster, SCHEMA_DATABASE, role)],
                            args.interval, query=SCHEMAS_QUERY, labels=("schema", "version_num"))
    log = ServerLog(cluster)
    log.start()
    daemon_harness.EXPORTER = binary
    loads = [load_average()]
    with ExporterDaemon(config) as daemon, SqlExporter(sql_config) as sql_exporter:
        print(f"fleet: {label}: waiting for the first round", file=sys.stderr)
        first_round = time.monotonic()
        daemon.wait_for(lambda: len(discovered_targets(daemon.metrics())) == count,
                        timeout=max(300, 2 * args.interval), what="every target checked")
        first_round = time.monotonic() - first_round
        # Tenants without a version table fail sql_exporter's query: no sample.
        with_table = sum(1 for level in (fleet.databases | fleet.schemas).values()
                         if level.current)
        daemon.wait_for(lambda: sql_exporter.tenants_read() == with_table,
                        timeout=2 * args.interval, what="sql_exporter reading every tenant")
        pids = {"alembic_exporter": daemon.process.pid, "sql_exporter": sql_exporter.pid}
        floor = libpq_floor(args, fleet, cluster) if kind == "databases" else None
        if floor:
            pids["libpq floor"] = floor.pid
        log.mark()
        cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
        started = time.monotonic()
        peaks = collections.defaultdict(lambda: (0, 0))
        for interval in range(1, args.intervals + 1):
            time.sleep(max(0.0, started + interval * args.interval - time.monotonic()))
            for name, pid in pids.items():
                rss, pss = sample(pid)
                peaks[name] = (max(peaks[name][0], rss), max(peaks[name][1], pss))
            daemon.get("/metrics")  # one scrape of each per interval, as Prometheus would
            sql_exporter.tenants_read()
        server = log.read()
        elapsed = time.monotonic() - started
        intervals = elapsed / args.interval
        cpu = {name: (cpu_seconds(pid) - cpu[name]) / elapsed * 100
               for name, pid in pids.items()}
        last = {name: sample(pid) for name, pid in pids.items()}
        peaks = {name: (max(peaks[name][0], last[name][0]), max(peaks[name][1], last[name][1]))
                 for name in pids}
        loads.append(load_average())
        if floor:
            floor.terminate()
            floor.wait()
        scrapes = {name: {"bytes": body_bytes(port, False, "plain"),
                          **wrk(port, False, "plain", 1, args.results_dir, f"fleet_{kind}_{name}")}
                   for name, port in (("alembic_exporter", daemon.port),
                                      ("sql_exporter", sql_exporter.port))}
        loads.append(load_average())
    lines = [f"## {label}", "",
             f"* fleet built in {built:.0f} s (the harness, the real alembic per level)",
             f"* load average: {loads[0]} at start, {loads[1]} after the window, {loads[2]} "
             "after wrk",
             f"* alembic_exporter's first round of checks: {first_round:.1f} s; window: "
             f"{elapsed:.0f} s ({intervals:.2f} intervals of {args.interval:g} s)", "",
             "| exporter | RSS | peak RSS | Pss | peak Pss | CPU (one core) | connections / "
             "interval | statements / interval | `/metrics` body | p50 | p99 | req/s | goals |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name in pids:
        connections, statements = server[ROLES[name]]
        rss, pss = last[name]
        goals = "–"
        if name == "alembic_exporter":
            if kind == "databases":
                verdicts = [f"RSS ≤ {RSS_GOAL_MIB} MiB: "
                            + ("met" if rss <= RSS_GOAL_MIB * MIB else "**missed**"),
                            f"CPU ≤ {CPU_GOAL_PERCENT:g} %: "
                            + ("met" if cpu[name] <= CPU_GOAL_PERCENT else "**missed**")]
            else:
                verdicts = []
                # One database: one check of it per interval.
                verdicts.append("one query per check: " + (
                    "met" if sum(statements.values()) / intervals <= 1.05 else "**missed**"))
                verdicts.append(f"p99 ≤ {P99_GOAL_MS:g} ms: " + (
                    "met" if scrapes[name]["p99_ms"] <= P99_GOAL_MS else "**missed**"))
            goals = "; ".join(verdicts)
        if name not in scrapes:
            lines.append(f"| {name} | {rss / MIB:.1f} MiB | {peaks[name][0] / MIB:.1f} MiB | "
                         f"{pss / MIB:.1f} MiB | {peaks[name][1] / MIB:.1f} MiB | "
                         f"{cpu[name]:.2f} % | {connections / intervals:.1f} | "
                         f"{sum(statements.values()) / intervals:.1f} | – | – | – | – | – |")
            continue
        scrape = scrapes[name]
        lines.append(
            f"| {name} | {rss / MIB:.1f} MiB | {peaks[name][0] / MIB:.1f} MiB | "
            f"{pss / MIB:.1f} MiB | {peaks[name][1] / MIB:.1f} MiB | {cpu[name]:.2f} % | "
            f"{connections / intervals:.1f} | {sum(statements.values()) / intervals:.1f} | "
            f"{scrape['bytes']:,} B | {scrape['p50_ms']:.2f} ms | {scrape['p99_ms']:.2f} ms | "
            f"{scrape['requests_per_second']:,.1f} | {goals} |")
    lines += ["", "Statements each exporter sent in the window (first 60 characters):", ""]
    for name in pids:
        for text, times in server[ROLES[name]][1].most_common(5):
            lines.append(f"* {name}: {times} × `{text}`")
    return lines + [""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--databases", type=int, default=1000)
    parser.add_argument("--schemas", type=int, default=5000)
    parser.add_argument("--interval", type=float, default=30)
    parser.add_argument("--intervals", type=int, default=4)
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    binary = installed_exporter(build_dir)
    args.results_dir = os.path.join(build_dir, "bench-results")
    os.makedirs(args.results_dir, exist_ok=True)
    lines = ["# Tenant fleet: discovered databases and schemas", "",
             *(f"* {line}" for line in machine("postgresql-15", "prometheus-sql-exporter", "wrk")),
             ""]
    root = tempfile.mkdtemp(prefix="alembic-exporter-fleet-")
    try:
        # sql_exporter keeps one connection per tenant database open.
        settings = {"max_connections": str(args.databases + 50)}
        for kind, count in (("databases", args.databases), ("schemas", args.schemas)):
            # A thousand databases are 8 GB: in memory, or removing them waits for the disk.
            with PostgresCluster(settings=settings, in_memory=kind == "databases") as cluster:
                started = time.monotonic()
                fleet = TenantFleet(cluster, os.path.join(root, kind))
                if kind == "databases":
                    fleet.add_databases(count)
                else:
                    fleet.add_tenant_schemas(count)
                fleet.close()
                built = time.monotonic() - started
                label = f"{count} tenant {kind}" + (" of one database" if kind == "schemas"
                                                     else "")
                print(f"fleet: {label} built in {built:.0f} s", file=sys.stderr)
                lines += measure(label, fleet, cluster, root, kind, count, args, binary, built)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    write_report(args.results_dir, f"fleet-{args.databases}db-{args.schemas}schemas.md",
                 "\n".join(lines))


if __name__ == "__main__":
    main()
