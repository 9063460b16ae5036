#!/usr/bin/python3
"""Runs `promtool check config` on a complete prometheus.yml around each scrape example.

Each deploy/prometheus/scrape*.yml holds only `scrape_configs`; complete_config() wraps one in a
prometheus.yml that also loads the alert and recording rules, which is what an operator ends up
with and what a test that starts a real Prometheus can reuse (with its own targets).

    check_scrape_configs.py [PROMTOOL]
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RULE_FILES = (HERE / "alerts.yml", HERE / "recording.yml")
# The job AlembicExporterDown (alerts.yml) matches on.
JOB_NAME = "alembic_exporter"


def scrape_examples() -> list[Path]:
    return sorted(HERE.glob("scrape*.yml"))


def complete_config(scrape_file: Path, targets: list[str] | None = None) -> dict:
    """A prometheus.yml with the scrape example's job and both rule files (absolute paths).

    `targets` replaces the example's static targets, e.g. with a test exporter's host:port.
    """
    scrape_configs = yaml.safe_load(scrape_file.read_text(encoding="utf-8"))["scrape_configs"]
    if targets is not None:
        for job in scrape_configs:
            job["static_configs"] = [{"targets": list(targets)}]
    return {
        "global": {"scrape_interval": "30s", "evaluation_interval": "1m"},
        "rule_files": [str(path) for path in RULE_FILES],
        "scrape_configs": scrape_configs,
    }


def check(scrape_file: Path, promtool: str) -> list[str]:
    problems = []
    config = complete_config(scrape_file)
    jobs = [job.get("job_name") for job in config["scrape_configs"]]
    if jobs != [JOB_NAME]:
        problems.append(f"{scrape_file}: scrape_configs has jobs {jobs} (expected exactly one, "
                        f"named {JOB_NAME}, as AlembicExporterDown expects)")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "prometheus.yml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        result = subprocess.run([promtool, "check", "config", str(path)], capture_output=True,
                                text=True, check=False)
    if result.returncode != 0:
        problems.append(f"{scrape_file}: promtool check config failed:\n"
                        f"{result.stdout}{result.stderr}")
    return problems


def main() -> int:
    promtool = sys.argv[1] if len(sys.argv) > 1 else "promtool"
    examples = scrape_examples()
    problems = [] if examples else [f"{HERE}: no scrape*.yml example found"]
    for example in examples:
        problems += check(example, promtool)
        if not problems:
            print(f"{example.name}: valid inside a complete prometheus.yml")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
