"""Tenant fleet footprint: N components (default 100) on one script tree (default 500 revisions),
one database each, against sql_exporter (Debian prometheus-sql-exporter) reading the same N
version tables in the same run (docs/BENCHMARKS.md, "Tenant fleet: shared script tree").

Usage: shared_tree_footprint.py BUILD_DIR [--tenants N] [--revisions R] [--minutes M]
                                [--interval S]

Both exporters run at the same time against one throwaway PostgreSQL cluster; each tenant
database is a clone of a template the real `alembic stamp` prepared at the head. sql_exporter
gets one job with N connections and one query (`SELECT version_num FROM alembic_version`), the
least an operator could ask of it; it knows nothing of the script tree, which is the point of the
comparison. Every SAMPLE_SECONDS the sampler reads VmRSS and smaps_rollup's Pss of both;
the table shows the last sample and the peak. BENCH_BASELINE=/path/to/alembic_exporter adds an
older binary as a third exporter, for before/after. Run with /usr/bin/python3.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from harness import daemon as daemon_harness
from harness.alembic_project import AlembicProject
from harness.daemon import ExporterDaemon
from harness.pg_cluster import PostgresCluster
from harness.throwaway_server import free_port

import long_lived_tree
from bench_report import installed_exporter, load_average, machine, write_report
from footprint import proc_status, smaps_rollup, write_config

SAMPLE_SECONDS = 5
MIB = 1024 * 1024
SQL_EXPORTER = "/usr/bin/prometheus-sql-exporter"
# Issue 18: 100 databases on one 500-revision tree.
RSS_GOAL_MIB = 20


def tenant_databases(cluster, project_root, count):
    """Stamps a template at the head with the real alembic and clones `count` tenants of it."""
    project = AlembicProject.__new__(AlembicProject)  # an existing project: no `init`
    project.root, project.ini = project_root, os.path.join(project_root, "alembic.ini")
    cluster.create_database("tenant_template")
    project.set_option("sqlalchemy.url", cluster.sqlalchemy_url("tenant_template"))
    project.stamp("heads")
    names = [f"tenant_{index:04d}" for index in range(count)]
    for name in names:
        cluster.psql(f'CREATE DATABASE "{name}" TEMPLATE tenant_template STRATEGY FILE_COPY')
    return names


VERSION_QUERY = "SELECT version_num, 1 AS one FROM alembic_version"


def sql_exporter_dsn(cluster, database, user="postgres"):
    # sql_exporter picks its driver by the URL scheme, and knows `postgres://` only.
    return f"postgres://{user}@127.0.0.1:{cluster.port}/{database}?sslmode=disable"


def sql_exporter_config(path, dsns, interval, query=VERSION_QUERY, labels=("version_num",)):
    """One job reading every connection in `dsns` with `query`, whose rows become samples of
    `sql_alembic_version` labelled `labels`, value column `one`."""
    connections = "".join(f"  - '{dsn}'\n" for dsn in dsns)
    with open(path, "w") as handle:
        handle.write(f"jobs:\n- name: tenants\n  interval: '{round(interval)}s'\n"
                     f"  connections:\n{connections}"
                     "  queries:\n  - name: alembic_version\n    help: revision of each tenant\n"
                     f"    labels: [{', '.join(labels)}]\n    values: [one]\n"
                     f"    query: |\n      {query}\n")


class SqlExporter:
    def __init__(self, config_path):
        self.config_path = config_path
        self.process = None

    def __enter__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [SQL_EXPORTER, "-config.file", self.config_path,
             "-web.listen-address", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)

    @property
    def pid(self):
        return self.process.pid

    def tenants_read(self):
        """How many version tables its last run read (one sample each)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=10) as answer:
            return sum(1 for line in answer.read().decode().splitlines()
                       if line.startswith("sql_alembic_version{"))


def sample(pid):
    return proc_status(pid)["VmRSS"], smaps_rollup(pid)["Pss"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--revisions", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--interval", type=float, default=30)
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    binaries = {"alembic_exporter": installed_exporter(build_dir)}
    if os.environ.get("BENCH_BASELINE"):
        binaries["alembic_exporter (baseline)"] = os.environ["BENCH_BASELINE"]
    results_dir = os.path.join(build_dir, "bench-results")
    os.makedirs(results_dir, exist_ok=True)
    trees = os.path.join(build_dir, "bench-trees")
    shape = long_lived_tree.generate(os.path.join(trees, f"tree-{args.revisions}"),
                                     args.revisions)

    root = tempfile.mkdtemp(prefix="alembic-exporter-tenants-")
    settings = {"max_connections": str(args.tenants * (len(binaries) + 1) + 20)}
    try:
        with PostgresCluster(settings=settings) as cluster:
            print(f"tenants: creating {args.tenants} databases", file=sys.stderr)
            names = tenant_databases(cluster, os.path.dirname(shape["ini"]), args.tenants)
            config = os.path.join(root, "alembic_exporter.yaml")
            write_config(config, args.interval,
                         [f"  - name: {name}\n    script_location: {shape['script_location']}\n"
                          f"    database:\n      url: {cluster.libpq_uri(name)}\n"
                          for name in names])
            sql_config = os.path.join(root, "sql_exporter.yaml")
            sql_exporter_config(sql_config, [sql_exporter_dsn(cluster, name) for name in names],
                                args.interval)
            loads = [load_average()]
            daemons = {}
            for label, binary in binaries.items():
                daemon_harness.EXPORTER = binary
                daemons[label] = ExporterDaemon(config)
                daemons[label].start()
            peaks = {}
            last = {}
            try:
                with SqlExporter(sql_config) as sql_exporter:
                    pids = {label: daemon.process.pid for label, daemon in daemons.items()}
                    pids["sql_exporter"] = sql_exporter.pid
                    deadline = time.monotonic() + args.minutes * 60
                    while time.monotonic() < deadline:
                        time.sleep(SAMPLE_SECONDS)
                        for label, pid in pids.items():
                            last[label] = sample(pid)
                            peak = peaks.get(label, (0, 0))
                            peaks[label] = (max(peak[0], last[label][0]),
                                            max(peak[1], last[label][1]))
                    checked = {label: sum(1 for (name, _), _ in daemon.metrics().items()
                                          if name == "alembic_last_check_timestamp_seconds")
                               for label, daemon in daemons.items()}
                    checked["sql_exporter"] = sql_exporter.tenants_read()
            finally:
                for daemon in daemons.values():
                    daemon.stop()
            loads.append(load_average())
    finally:
        shutil.rmtree(root, ignore_errors=True)

    lines = ["# Tenant fleet: shared script tree", "",
             *(f"* {line}" for line in machine("postgresql-15", "prometheus-sql-exporter")),
             f"* load average: {loads[0]} at start, {loads[1]} at the end",
             f"* {args.tenants} tenant databases, one {shape['revisions']}-revision tree "
             f"({shape['merges']} merges); interval {args.interval:g} s; all exporters at the "
             f"same time for {args.minutes:g} min, sampled every {SAMPLE_SECONDS} s",
             f"* tenants checked at the end (alembic_exporter: components with a "
             f"last check; sql_exporter: version_num samples): {checked}", "",
             "| exporter | RSS at the end | peak RSS | Pss at the end | peak Pss | goal |",
             "|---|---:|---:|---:|---:|---|"]
    sql_rss = last["sql_exporter"][0]
    for label in pids:
        rss, pss = last[label]
        goal = "–"
        if label == "alembic_exporter":
            met = rss <= RSS_GOAL_MIB * MIB and rss <= sql_rss
            goal = (f"≤ {RSS_GOAL_MIB} MiB and ≤ sql_exporter: "
                    + ("met" if met else "**missed**"))
        lines.append(f"| {label} | {rss / MIB:.1f} MiB | {peaks[label][0] / MIB:.1f} MiB | "
                     f"{pss / MIB:.1f} MiB | {peaks[label][1] / MIB:.1f} MiB | {goal} |")
    name = f"tenants-{args.tenants}x{args.revisions}.md"
    write_report(results_dir, name, "\n".join(lines + [""]))


if __name__ == "__main__":
    main()
