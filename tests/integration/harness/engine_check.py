"""What the exporter and the real alembic each say about one database, for the engine tests."""

import json
import os
import subprocess

from harness.alembic_oracle import Oracle, load
from harness.exporter import run_exporter

PROBE = os.environ.get("COMPONENT_STATUS_PROBE", "component_status_probe")


def exporter_status(script_location, url, *extra):
    """The one component of `alembic_exporter status --output json`, and the CompletedProcess."""
    result = run_exporter("status", "--script-location", script_location, "--database", url,
                          "--output", "json", *extra)
    return json.loads(result.stdout)["components"][0], result


def probe_status(script_location, url, timeout_ms=5000, user=None):
    """The ComponentStatus of one check through the collector factory (migration included),
    run as `user` (runuser) when given."""
    command = [PROBE, script_location, url, str(timeout_ms)]
    if user is not None:
        command = ["runuser", "-u", user, "--"] + command
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"probe failed: {result.stderr}")
    return json.loads(result.stdout)


def alembic_pending(script_location, current):
    """How many migrations the real alembic's `upgrade heads` applies from `current`."""
    return len(Oracle(load(script_location=script_location)).pending(current))
