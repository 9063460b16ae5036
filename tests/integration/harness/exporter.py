"""Runs the alembic_exporter binary under test (path from $ALEMBIC_EXPORTER)."""

import os
import subprocess

EXPORTER = os.environ.get("ALEMBIC_EXPORTER", "alembic_exporter")


def run_exporter(*args, cwd=None, env=None, timeout=60):
    """Runs `alembic_exporter ARGS`; returns the CompletedProcess (text mode)."""
    environment = dict(os.environ)
    environment.pop("NO_COLOR", None)
    environment.update(env or {})
    return subprocess.run([EXPORTER, *args], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=timeout)
