"""What every benchmark script reports besides its own tables: the machine it ran on, the load
average, and the report file written to the results directory."""

import json
import os
import re
import subprocess


def run(command, **options):
    return subprocess.run(command, capture_output=True, text=True, check=True, **options).stdout


def machine(*packages):
    """nproc, CPU model, kernel, and the Debian versions of `packages`, a line each."""
    model = re.search(r"^Model name:\s*(.+)$", run(["lscpu"]), re.MULTILINE)
    lines = [f"nproc: {run(['nproc']).strip()}",
             f"CPU: {model.group(1).strip() if model else 'unknown'}",
             f"kernel: {run(['uname', '-r']).strip()}"]
    if packages:
        lines += run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", *packages]) \
            .strip().splitlines()
    return lines


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def write_report(results_dir, name, text):
    """Writes `text` to results_dir/name and prints it."""
    with open(os.path.join(results_dir, name), "w") as handle:
        handle.write(text)
    print(text, flush=True)


def installed_exporter(build_dir):
    """Installs BUILD_DIR into BUILD_DIR/bench-install (meson install --destdir) and returns the
    installed alembic_exporter: the binary operators run, whose RUNPATH is the install one, not
    the build tree's padded one."""
    destdir = os.path.join(build_dir, "bench-install")
    subprocess.run(["meson", "install", "-C", build_dir, "--no-rebuild", "--quiet",
                    "--destdir", destdir], check=True, stdout=subprocess.DEVNULL)
    installed = json.loads(run(["meson", "introspect", build_dir, "--installed"]))
    target = next(path for built, path in installed.items()
                  if built.endswith(os.path.join("daemon", "alembic_exporter")))
    return destdir + target
