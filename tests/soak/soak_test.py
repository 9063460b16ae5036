"""Fault/soak test of `alembic_exporter serve` (issue 10; results in docs/RELIABILITY.md).

    ./run soak [CYCLES]      # default 50; builds first; not part of ./run test

One throwaway PostgreSQL 15 cluster with password authentication (scram-sha-256 for every
connection) and 20 components c00..c19, each with its own database and alembic project of three
revisions (c15..c19 start two behind). The password reaches the daemon three ways: in
`database.url` (c00..c09), in the alembic.ini's `sqlalchemy.url` (c10..c14) and through
`password_file` (c15..c19). Checks every second; a scraper thread GETs /metrics throughout.

Cycle n, with a, b, c the components 3n, 3n+1, 3n+2 (mod 20):
  1. a: DROP TABLE alembic_version; b: `alembic downgrade -1` when up to date, else
     `alembic upgrade +1`; c: `alembic revision` (one more pending)
  2. c: the new revision file broken (an unterminated string or an unexpected indent, both
     checked to be a SyntaxError for Python itself)
  3. kill -9 of the postmaster (every component unreachable, but c stays script_error)
  4. PostgreSQL started again: crash recovery, same port
  5. a: `alembic stamp` recreates the version table; c: its file fixed
  6. SIGHUP, good configuration: one component removed (even n) or added back (odd n), another
     one's interval toggled (its collector restarts)
  7. SIGHUP, bad configuration (five kinds in turn): rejected, old configuration kept

After each step it waits until /metrics shows, for every configured component, the state that
`component_model.py` computes from what the soak did (and, for the components the step touched,
a check that started after their change: alembic_last_check_timestamp_seconds minus
alembic_check_duration_seconds). Then the lines the daemon logged since the previous
step must be exactly the model's transitions, each once, at the right level, plus the expected
reload lines and nothing else; alembic_status, alembic_up, alembic_pending_migrations,
alembic_current_revisions_count, alembic_heads_count, alembic_script_revisions, the reload
gauges and alembic_state_changes_total (= transitions logged) must match; the password must not
be in the log, /status or /; the daemon must be running.

At the end: no log line during a quiet period; the real alembic's `current` and `heads` of every
component equal to the model and to /status; descriptors and threads equal to those after
cycle 2 (warm-up; inotify instances apart, at most one per component, see process_usage.py),
RSS at most max(2 MiB, 10 %) above it; every scrape answered 200 without the password, and
within 100 ms (checked last, as the one that a starved machine can fail: the figures of a
control server scraped alongside, see scraper.py, tell the two apart); SIGTERM ends the daemon
with 0. Prints the figures.
"""

import argparse
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from component_model import ComponentModel
from daemon_log import DaemonLog, expected_level
from harness.components import build_projects
from harness.daemon import ExporterDaemon, sample
from harness.pg_cluster import PostgresCluster
from process_usage import steady_usage
from scraper import Scraper

PASSWORD = "soak-Pw-7e3c91d4"
NAMES = [f"c{i:02d}" for i in range(20)]
START_BEHIND = NAMES[15:]
INTERVAL = "1s"
TOGGLED_INTERVAL = "700ms"
RSS_MARGIN_KIB = 2048
RSS_MARGIN_FRACTION = 0.10
SUCCESSFUL = "alembic_exporter_config_last_reload_successful"
SUCCESS_TIME = "alembic_exporter_config_last_reload_success_timestamp_seconds"
BREAKS = ('\nbroken = "unterminated\n', "\nbroken = 1\n    indented = 2\n")


class SoakFailure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise SoakFailure(message)


class Soak:
    def __init__(self, root, cluster):
        self.root = root
        self.cluster = cluster
        self.config = os.path.join(root, "config.yaml")
        self.password_file = os.path.join(root, "db-password")
        self.server_up = True
        self.models = {}
        self.daemon = None
        self.log = None
        self.reload_successful = 1.0
        self.reload_time_ok = lambda seconds: True  # until the first reading
        self.counts = collections.Counter()
        self.timeline = []  # (time.time(), kind of step) as each step begins

    def mark(self, kind):
        self.timeline.append((time.time(), kind))

    def step_at(self, when):
        """The kind of step under way at `when`."""
        return next((kind for started, kind in reversed(self.timeline) if started <= when),
                    "start")

    # -- setup ----------------------------------------------------------------------------

    def build(self):
        with open(self.password_file, "w") as handle:
            handle.write(PASSWORD + "\n")
        projects = build_projects(self.root, {name: self.cluster for name in NAMES},
                                  behind=START_BEHIND)
        for name, project in projects.items():
            at = 0 if name in START_BEHIND else len(project.revisions) - 1
            self.models[name] = ComponentModel(name, project, at)

    def component_yaml(self, model):
        index = NAMES.index(model.name)
        lines = [f"  - name: {model.name}"]
        if index < 15:
            lines.append(f"    alembic_ini: {model.project.ini}")
        else:
            lines.append(f"    script_location: {model.project.script_dir}")
        if model.interval:
            lines.append(f"    interval: {model.interval}")
        if index < 10:
            lines += ["    database:",
                      f"      url: {self.cluster.libpq_uri(model.name, password=PASSWORD)}"]
        elif index >= 15:
            lines += ["    database:", f"      url: {self.cluster.libpq_uri(model.name)}",
                      f"      password_file: {self.password_file}"]
        return "\n".join(lines) + "\n"

    def write_config(self, extra_components="", trailer=""):
        text = (f'listen: ["127.0.0.1:0"]\ninterval: {INTERVAL}\ntimeout: 2s\nlog: stderr\n'
                "components:\n")
        text += "".join(self.component_yaml(model) for model in self.models.values()
                        if model.active)
        with open(self.config, "w") as handle:
            handle.write(text + extra_components + trailer)

    # -- checking one step ----------------------------------------------------------------

    def active(self):
        return [model for model in self.models.values() if model.active]

    def settle(self, step, changed=None, other_lines=(), timeout=45):
        """Waits for the model's states and, for each component in `changed` ({name: time of
        its change}), a check that started after its change; then checks the log lines since
        the previous step (transitions, and `other_lines`: a list of (prefix, fragment)) and
        the metrics."""
        self.counts["steps"] += 1
        deadline = time.monotonic() + timeout
        while True:
            check(self.daemon.process.poll() is None,
                  f"{step}: the daemon exited with {self.daemon.process.returncode}")
            metrics = self.daemon.metrics()
            waiting = self.unsettled(metrics, changed or {})
            if not waiting:
                break
            if time.monotonic() > deadline:
                raise SoakFailure(f"{step}: not settled after {timeout} s: {waiting}")
            time.sleep(0.1)
        transitions, others = self.log.new_lines()
        self.check_transitions(step, transitions)
        self.check_other_lines(step, others, other_lines)
        self.check_metrics(step, self.daemon.metrics())
        self.check_no_password(step)

    def unsettled(self, metrics, changed):
        """What still differs from the model: [(component, what)]."""
        waiting = []
        for model in self.active():
            state = model.state(self.server_up)
            if sample(metrics, "alembic_status", component=model.name, state=state) != 1:
                waiting.append((model.name, state))
            elif sample(metrics, "alembic_up", component=model.name) != float(self.server_up):
                waiting.append((model.name, f"alembic_up {float(self.server_up)}"))
            elif model.name in changed and check_started(metrics, model.name) <= changed[
                    model.name]:
                waiting.append((model.name, "a check after its change"))
        if sample(metrics, SUCCESSFUL) != self.reload_successful:
            waiting.append(("config", f"reload successful {self.reload_successful}"))
        elif not self.reload_time_ok(sample(metrics, SUCCESS_TIME)):
            waiting.append(("config", "reload success time"))
        return waiting

    def all_changed(self):
        now = time.time()
        return {model.name: now for model in self.active()}

    def check_transitions(self, step, transitions):
        expected = collections.Counter()
        for model in self.active():
            state = model.state(self.server_up)
            if state != model.logged_state:
                expected[(model.name, model.logged_state, state)] += 1
        logged = collections.Counter((t.component, t.previous, t.state) for t in transitions)
        check(logged == expected, f"{step}: transitions logged {sorted(logged.items())}, "
                                  f"expected {sorted(expected.items())}")
        for transition in transitions:
            model = self.models[transition.component]
            check(transition.level == expected_level(transition.state),
                  f"{step}: {transition} logged at the wrong level")
            if transition.state == "behind":
                check(transition.explanation == f"{model.pending} pending",
                      f"{step}: {transition}: expected {model.pending} pending")
            elif transition.state == "script_error":
                check(os.path.basename(model.broken_file[0]) in (transition.explanation or ""),
                      f"{step}: {transition} does not name {model.broken_file[0]}")
            elif transition.state in ("unreachable", "no_revision"):
                check(bool(transition.explanation), f"{step}: {transition} without a reason")
            model.logged_state = transition.state
            if transition.previous is not None:
                model.logged_changes += 1
        self.counts["transitions"] += len(transitions)

    def check_other_lines(self, step, lines, expected):
        remaining = list(expected)
        for line in lines:
            message = line.split(" ", 2)[2]
            match = next((e for e in remaining
                          if message.startswith(e[0]) and e[1] in message), None)
            check(match is not None, f"{step}: unexpected log line: {line}")
            remaining.remove(match)
        check(not remaining, f"{step}: log lines missing: {remaining}")

    def check_metrics(self, step, metrics):
        configured = {dict(labels)["component"] for _, labels in metrics
                      if "component" in dict(labels)}
        check(configured == {model.name for model in self.active()},
              f"{step}: components in /metrics: {sorted(configured)}")
        for model in self.active():
            for (name, labels), value in model.expected_samples(self.server_up).items():
                actual = sample(metrics, name, component=model.name, **dict(labels))
                check(actual == value, f"{step}: {model.name} {name}{dict(labels)} is {actual}, "
                                       f"expected {value}")

    def check_no_password(self, step):
        for path in ("/status", "/"):
            status, _, body = self.daemon.get(path)
            check(status == 200, f"{step}: GET {path} answered {status}")
            check(PASSWORD.encode() not in body, f"{step}: the password is in {path}")
        check(PASSWORD not in self.daemon.log(), f"{step}: the password is in the daemon's log")

    # -- the steps ------------------------------------------------------------------------

    def start(self):
        self.write_config()
        self.daemon = ExporterDaemon(self.config)
        self.daemon.start()
        self.log = DaemonLog(self.daemon.log_path)
        self.settle("start", other_lines=[("listening on ", "(20 components")])
        self.keep_reload_time()

    def keep_reload_time(self):
        """From now on the reload success time must stay what it is."""
        known = sample(self.daemon.metrics(), SUCCESS_TIME)
        self.reload_time_ok = lambda seconds: seconds == known

    def cycle(self, n):
        count = len(NAMES)
        a, b, c = (self.models[NAMES[(3 * n + i) % count]] for i in range(3))

        changed = {}
        self.mark("1 drop, upgrade/downgrade, add")
        self.cluster.psql("DROP TABLE alembic_version", database=a.name)
        restore_at, a.database_at = a.database_at, None
        changed[a.name] = time.time()
        if b.pending:
            b.project.upgrade("+1")
            b.database_at += 1
        else:
            b.project.downgrade("-1")
            b.database_at -= 1
        changed[b.name] = time.time()
        c.add_revision(f"soak cycle {n}")
        changed[c.name] = time.time()
        self.settle(f"cycle {n} step 1 (drop {a.name}, upgrade/downgrade {b.name}, "
                    f"add to {c.name})", changed)

        self.mark("2 break")
        c.break_file(c.revisions[-1], BREAKS[n % len(BREAKS)])
        self.settle(f"cycle {n} step 2 (break {c.name})", {c.name: time.time()})

        self.mark("3 kill -9")
        self.cluster.crash()
        self.server_up = False
        self.settle(f"cycle {n} step 3 (kill -9 postgres)", self.all_changed())

        self.mark("4 recover")
        self.cluster.recover()
        self.server_up = True
        self.settle(f"cycle {n} step 4 (postgres recovered)", self.all_changed())

        self.mark("5 stamp, fix")
        a.project.stamp(a.revisions[restore_at])
        a.database_at = restore_at
        c.fix_file()
        now = time.time()
        self.settle(f"cycle {n} step 5 (stamp {a.name}, fix {c.name})", {a.name: now, c.name: now})

        self.good_reload(n)
        self.bad_reload(n)

    def good_reload(self, n):
        toggled = self.models[NAMES[(11 * n + 1) % len(NAMES)]]
        removed = next((model for model in self.models.values() if not model.active), None)
        if removed is None:
            removed = self.models[NAMES[(7 * n + 5) % len(NAMES)]]
            removed.active = False
            restarted = set()
        else:
            removed.active = True
            restarted = {removed.name}
        if toggled.active:
            restarted.add(toggled.name)
        toggled.interval = None if toggled.interval else TOGGLED_INTERVAL
        self.mark("6 good reload")
        self.write_config()
        since = time.time()
        previous = sample(self.daemon.metrics(), SUCCESS_TIME)
        self.reload_time_ok = lambda seconds: seconds > previous
        self.reload_successful = 1.0
        self.daemon.signal(signal.SIGHUP)
        self.settle(f"cycle {n} step 6 (good reload: {removed.name} "
                    f"{'added' if removed.active else 'removed'}, {toggled.name} interval "
                    f"{toggled.interval or INTERVAL})", dict.fromkeys(restarted, since),
                    other_lines=[("configuration reloaded ",
                                  f"({len(self.active())} components)")])
        self.keep_reload_time()
        self.counts["good reloads"] += 1

    def bad_configs(self):
        """[(what, extra components, trailer, fragment of the rejection)]."""
        first = self.models[NAMES[0]]
        unparsable_url = (f"  - name: bad\n    script_location: {first.project.script_dir}\n"
                          f"    database:\n      url: postgresql://postgres:{PASSWORD}@[::1/x\n")
        missing_ini = f"  - name: bad\n    alembic_ini: {self.root}/missing/alembic.ini\n"
        duplicate = f"  - name: {first.name}\n    alembic_ini: {first.project.ini}\n"
        return [("unknown key", "", "intervall: 1s\n", "unknown key 'intervall'"),
                ("YAML syntax", "", "listen: [oops\n", "invalid YAML"),
                ("unparsable URL", unparsable_url, "",
                 "invalid database URL postgresql://postgres:****@[::1/x"),
                ("missing ini", missing_ini, "", "missing/alembic.ini' does not exist"),
                ("duplicate name", duplicate, "", f"duplicate component name '{first.name}'")]

    def bad_reload(self, n):
        what, extra_components, trailer, fragment = self.bad_configs()[n % 5]
        self.mark("7 bad reload")
        self.write_config(extra_components, trailer)
        self.reload_successful = 0.0
        self.daemon.signal(signal.SIGHUP)
        self.settle(f"cycle {n} step 7 (bad reload: {what})", other_lines=[
            ("configuration rejected, keeping the previous one: ", fragment)])
        self.counts["bad reloads"] += 1

    # -- the end --------------------------------------------------------------------------

    def quiet_period(self, seconds=3.0):
        time.sleep(seconds)
        transitions, others = self.log.new_lines()
        check(not transitions and not others,
              f"quiet period: logged {transitions} {others}")

    def compare_with_alembic(self):
        document = json.loads(self.daemon.get("/status")[2])
        reported = {component["name"]: component for component in document["components"]}
        for model in self.active():
            current = [model.revisions[model.database_at]]
            heads = [model.revisions[-1]]
            check(model.project.current() == current,
                  f"{model.name}: alembic current {model.project.current()}, model {current}")
            check(model.project.heads() == heads,
                  f"{model.name}: alembic heads {model.project.heads()}, model {heads}")
            status = reported[model.name]
            check([r["revision"] for r in status["current"]] == current,
                  f"{model.name}: /status current {status['current']}")
            check([r["revision"] for r in status["heads"]] == heads,
                  f"{model.name}: /status heads {status['heads']}")


def check_started(metrics, component):
    """When the last check of `component` started (wall clock, seconds)."""
    return (sample(metrics, "alembic_last_check_timestamp_seconds", component=component)
            - sample(metrics, "alembic_check_duration_seconds", component=component))


def mib(kib):
    return kib / 1024


def start_control_server():
    """http_server_probe (tests/integration): the daemon's HTTP server with a fixed snapshot."""
    probe = subprocess.Popen([os.environ["HTTP_SERVER_PROBE"]], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    return probe, int(probe.stdout.readline())


def near(when, times, seconds=1.0):
    return any(abs(when - other) <= seconds for other in times)


def report_scrapes(soak, scraper):
    daemon, control = scraper.targets
    for target in scraper.targets:
        figures = target.summary()
        print(f"soak: {target.name}: {figures['scrapes']} scrapes, p50 {figures['p50_ms']:.1f} ms, "
              f"p99 {figures['p99_ms']:.1f} ms, max {figures['max_ms']:.1f} ms, "
              f"{figures['over_100ms']} took >= 100 ms, {figures['failures']} not 200")
    print(f"soak: the scraper's 10 ms pauses that took >= 100 ms: {scraper.stalled_sleeps}")
    if daemon.slow:
        by_step = collections.Counter(soak.step_at(when) for when, *_ in daemon.slow)
        control_times = [when for when, *_ in control.slow]
        print(f"soak: daemon scrapes >= 100 ms by step: {dict(sorted(by_step.items()))}; "
              f"{sum(near(when, control_times) for when, *_ in daemon.slow)} of them within 1 s "
              "of a control scrape >= 100 ms")
        for when, connect, headers, total in sorted(daemon.slow, key=lambda s: -s[3])[:5]:
            print(f"soak:   {1000 * total:.0f} ms ({soak.step_at(when)}): connected after "
                  f"{1000 * connect:.0f} ms, headers after {1000 * headers:.0f} ms")


def run(cycles):
    started = time.monotonic()
    root = tempfile.mkdtemp(prefix="alembic-exporter-soak-")
    cluster = PostgresCluster(auth="scram-sha-256", password=PASSWORD)
    soak = Soak(root, cluster)
    scraper = control = None
    try:
        cluster.start()
        soak.build()
        print(f"soak: setup {time.monotonic() - started:.0f} s", flush=True)
        soak.start()
        control, control_port = start_control_server()
        scraper = Scraper([("daemon", soak.daemon.port), ("control", control_port)], PASSWORD)
        scraper.start()
        pid = soak.daemon.process.pid
        warm = None
        cycles_started = time.monotonic()
        for n in range(cycles):
            cycle_started = time.monotonic()
            soak.cycle(n)
            line = f"soak: cycle {n + 1}/{cycles} {time.monotonic() - cycle_started:.1f} s"
            if all(model.active for model in soak.models.values()):
                soak.mark("usage sample")
                with scraper.paused():
                    now = steady_usage(pid)
                warm = warm or (now if n >= 1 else None)
                line += (f", fds {now['fds']} + {now['inotify']} inotify, "
                         f"RSS {mib(now['rss_kib']):.1f} MiB, threads {now['threads']}")
            print(line + f", scrapes {len(scraper.targets[0].latencies)}", flush=True)
        cycles_seconds = time.monotonic() - cycles_started
        if not all(model.active for model in soak.models.values()):
            soak.good_reload(cycles)  # adds the removed component back
        soak.mark("end")
        soak.quiet_period()
        with scraper.paused():
            end = steady_usage(pid)
        scraper.stop()
        soak.compare_with_alembic()
        code, stop_seconds = soak.daemon.stop()
        check(code == 0, f"the daemon exited with {code} on SIGTERM")
        check(PASSWORD not in soak.daemon.log(), "the password is in the daemon's log")

        check(warm is not None, "no usage sample after warm-up (needs at least 2 cycles)")
        print(f"soak: {cycles} cycles in {cycles_seconds:.0f} s "
              f"(total {time.monotonic() - started:.0f} s), {soak.counts['steps']} steps, "
              f"{soak.counts['transitions']} transitions checked, "
              f"{soak.counts['good reloads']} good and {soak.counts['bad reloads']} bad reloads")
        report_scrapes(soak, scraper)
        print(f"soak: fds without inotify {warm['fds']} -> {end['fds']}, inotify instances "
              f"{warm['inotify']} -> {end['inotify']}, threads {warm['threads']} -> "
              f"{end['threads']}, RSS {mib(warm['rss_kib']):.1f} -> {mib(end['rss_kib']):.1f} MiB "
              f"(after cycle 2 -> end); SIGTERM exit {code} in {stop_seconds:.2f} s")
        print(f"soak: load average {os.getloadavg()}", flush=True)
        daemon = scraper.targets[0]
        figures = daemon.summary()
        check(not figures["failures"], f"scrapes not answered 200: {daemon.failures[:10]}")
        check(figures["leaks"] == 0, f"the password was in {figures['leaks']} scrapes")
        check(end["fds"] == warm["fds"], "open descriptors changed")
        check(end["inotify"] <= len(NAMES), "more inotify instances than components")
        check(end["threads"] == warm["threads"], "threads changed")
        margin = max(RSS_MARGIN_KIB, RSS_MARGIN_FRACTION * warm["rss_kib"])
        check(end["rss_kib"] <= warm["rss_kib"] + margin,
              f"RSS grew by more than {mib(margin):.1f} MiB")
        check(figures["over_100ms"] == 0, f"{figures['over_100ms']} scrapes took 100 ms or more")
    except BaseException:
        if soak.daemon is not None:
            print(f"soak: the daemon's log is kept in {soak.daemon.log_path}", file=sys.stderr)
        raise
    else:
        os.unlink(soak.daemon.log_path)
    finally:
        if scraper is not None and scraper.is_alive():
            scraper.stop()
        if control is not None:
            control.stdin.close()
            control.wait()
        if soak.daemon is not None:
            soak.daemon.stop()
        cluster.remove()
        shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cycles", type=int, nargs="?", default=50)
    cycles = parser.parse_args().cycles
    try:
        run(cycles)
    except SoakFailure as failure:
        print(f"soak: FAILED: {failure}", file=sys.stderr)
        return 1
    print("soak: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
