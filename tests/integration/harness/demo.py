"""`./run demo`: a throwaway PostgreSQL with three Backend.AI-like components in different states
(manager up-to-date, accountmgr 3 behind, appproxy with diverged heads), served by
`alembic_exporter serve` in the foreground until Ctrl-C, which removes everything.

    python3 -m harness.demo [--check]

--check starts everything, verifies the three states through /metrics, and exits (used by tests).
"""

import os
import shutil
import socket
import sys
import tempfile

from harness.alembic_project import AlembicProject
from harness.daemon import ExporterDaemon, sample
from harness.pg_cluster import PostgresCluster

CONFIG = """# Written by ./run demo; removed when the demo stops.
listen: ["127.0.0.1:{port}"]
interval: 5s
timeout: 3s
log: stderr
components:
{components}"""

COMPONENT = """  - name: {name}
    alembic_ini: {ini}
    database:
      url: {url}
"""

EXPECTED = {"manager": "up_to_date", "accountmgr": "behind", "appproxy": "diverged"}


def build_components(cluster, root):
    """Creates the three alembic projects and puts their databases in the demo states."""
    inis = {}
    for name in EXPECTED:
        cluster.create_database(name)
        project = AlembicProject(os.path.join(root, name), cluster.sqlalchemy_url(name))
        first = project.revision(f"Create {name} tables")
        if name == "appproxy":
            project.upgrade(first)
            project.revision("Add worker table", head=first)
            project.revision("Add endpoint table", head=first, splice=True)
        else:
            revisions = [first] + [project.revision(f"{name} change {i}") for i in range(1, 5)]
            project.upgrade("heads" if name == "manager" else revisions[1])
        inis[name] = project.ini
    return inis


def write_config(cluster, root, inis, port):
    components = "".join(COMPONENT.format(name=name, ini=ini, url=cluster.libpq_uri(name))
                         for name, ini in inis.items())
    path = os.path.join(root, "config.yaml")
    with open(path, "w") as handle:
        handle.write(CONFIG.format(port=port, components=components))
    return path


def demo_port(check_only):
    """The exporter's default port when it is free, else any free one (0)."""
    if check_only:
        return 0
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", 9747))
        except OSError:
            return 0
    return 9747


def states(daemon):
    metrics = daemon.metrics()
    return {name: next((state for state in ("up_to_date", "behind", "diverged", "no_revision",
                                            "unknown_revision", "unreachable", "script_error")
                        if sample(metrics, "alembic_status", component=name, state=state) == 1),
                       None)
            for name in EXPECTED}


def main():
    check_only = "--check" in sys.argv[1:]
    root = tempfile.mkdtemp(prefix="alembic-exporter-demo-")
    try:
        with PostgresCluster() as cluster:
            print("Creating three Backend.AI-like components with the real alembic ...",
                  flush=True)
            inis = build_components(cluster, root)
            config = write_config(cluster, root, inis, demo_port(check_only))
            with ExporterDaemon(config) as daemon:
                daemon.wait_for(lambda: None not in states(daemon).values(), what="first checks")
                if check_only:
                    found = states(daemon)
                    print(found)
                    return 0 if found == EXPECTED else 1
                base = f"http://127.0.0.1:{daemon.port}"
                exporter = os.environ.get("ALEMBIC_EXPORTER", "alembic_exporter")
                print(f"""
alembic_exporter is serving {len(inis)} components (config: {config}):
  manager    up-to-date
  accountmgr 3 migrations behind
  appproxy   diverged heads

  Landing page  {base}/
  Metrics       {base}/metrics
  Status JSON   {base}/status
  Health        {base}/healthz

Try:
  curl -s {base}/metrics | grep -E '^alembic_(status|pending_migrations)'
  {exporter} status --config {config} --component all

Press Ctrl-C to stop; the database and every file are removed.""", flush=True)
                try:
                    daemon.process.wait()  # Ctrl-C reaches the daemon too: it stops cleanly
                except KeyboardInterrupt:
                    pass
                print("\nStopping ...", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
