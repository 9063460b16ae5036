"""`serve` with `log: journald` against a real systemd-journald (private, see
harness/private_journal.py) and real databases: one structured entry per state transition (the
first state of each component once, none while a state holds), with the catalog's MESSAGE_IDs,
PRIORITY, ALEMBIC_* fields and the caller's CODE_FILE/CODE_LINE; no password anywhere; one
entry when a component's script warnings change (issue 15). Under
a JOURNAL_STREAM stderr, `log: auto` logs natively and `log: stderr` writes unstamped lines."""

import os
import re
import shutil
import signal
import socket
import tempfile
import time
import unittest

from harness.private_journal import PrivateJournal, enter_private_mount_namespace

enter_private_mount_namespace()

from harness.components import build_projects, write_daemon_config  # noqa: E402
from harness.daemon import ExporterDaemon  # noqa: E402
from harness.message_ids import message_id, read_source  # noqa: E402
from harness.pg_cluster import PostgresCluster  # noqa: E402

PASSWORD = "n0t-a-real-pw"
STREAM_IDENTIFIER = "alembic-exporter-stderr"


def state_message_ids():
    """{state: id} from daemon/systemd/message_ids.hpp, each checked to have a catalog entry."""
    ids = dict(re.findall(r'state_(\w+) = "([0-9a-f]{32})"',
                          read_source("daemon", "systemd", "message_ids.hpp")))
    catalog = set(re.findall(r"^-- ([0-9a-f]{32})$",
                             read_source("systemd", "alembic-exporter.catalog"), re.MULTILINE))
    assert ids and set(ids.values()) <= catalog, (ids, catalog)
    return ids


def line_of(text, needle):
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return str(lines[0])


class JournaldTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.journal = PrivateJournal()
        cls.journal.start()
        cls.cluster = PostgresCluster()
        cls.cluster.start()
        cls.second_cluster = PostgresCluster()  # appproxy's server, stopped by the test
        cls.second_cluster.start()
        cls.root = tempfile.mkdtemp(prefix="alembic-exporter-journald-")
        cls.projects = build_projects(cls.root, {"manager": cls.cluster, "accountmgr": cls.cluster,
                                                 "appproxy": cls.second_cluster},
                                      behind=("accountmgr",))
        cls.config = os.path.join(cls.root, "config.yaml")
        write_daemon_config(cls.config, cls.root, {
            "manager": cls.cluster.libpq_uri("manager"),
            "accountmgr": cls.cluster.libpq_uri("accountmgr", password=PASSWORD),
            "appproxy": cls.second_cluster.libpq_uri("appproxy", password=PASSWORD),
        }, interval="300ms", timeout="2s", log="journald")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        cls.cluster.remove()
        cls.second_cluster.remove()
        cls.journal.stop()

    def daemon_entries(self, daemon, **fields):
        matches = [f"_PID={daemon.process.pid}"] + [f"{k}={v}" for k, v in fields.items()]
        return self.journal.entries(*matches)

    def transitions(self, daemon):
        return [entry for entry in self.daemon_entries(daemon) if "ALEMBIC_STATE" in entry]

    def wait_for_transitions(self, daemon, count, what):
        daemon.wait_for(lambda: len(self.transitions(daemon)) >= count, what=what)
        return self.transitions(daemon)

    def test_one_entry_per_transition(self):
        ids = state_message_ids()
        heads = {name: project.revisions[-1] for name, project in self.projects.items()}
        daemon = ExporterDaemon(self.config, listening_log=lambda: "\n".join(
            entry["MESSAGE"] for entry in self.daemon_entries(daemon)))
        with daemon:
            first = self.wait_for_transitions(daemon, 3, "first states")
            time.sleep(1.5)  # five more rounds of checks, same states
            self.assertEqual(self.transitions(daemon), first)

            self.projects["accountmgr"].upgrade("heads")
            self.wait_for_transitions(daemon, 4, "accountmgr upgraded")
            self.second_cluster.stop()
            self.wait_for_transitions(daemon, 5, "appproxy down")
            time.sleep(1.5)  # still down: nothing new
            self.assertEqual(len(self.transitions(daemon)), 5)
            self.second_cluster.restart()
            daemon.wait_for(lambda: len(self.transitions(daemon)) >= 6, timeout=40,
                            what="appproxy back")
            # A reload with the same configuration: logged, but no component starts afresh.
            daemon.signal(signal.SIGHUP)
            daemon.wait_for(lambda: self.daemon_entries(
                daemon, MESSAGE_ID=message_id("config_reloaded")), what="reload logged")
            time.sleep(0.6)
            self.assertEqual(len(self.transitions(daemon)), 6)
            pid = daemon.process.pid
            code, seconds = daemon.stop()
        self.assertEqual(code, 0)
        self.assertLess(seconds, 2.0)

        entries = self.journal.entries(f"_PID={pid}")
        transitions = [entry for entry in entries if "ALEMBIC_STATE" in entry]
        self.assertEqual(
            sorted(entry["MESSAGE"] for entry in transitions[:3]),
            ["accountmgr: first check: behind (2 pending)", "appproxy: first check: up_to_date",
             "manager: first check: up_to_date"])
        self.assertEqual(transitions[3]["MESSAGE"], "accountmgr: behind → up_to_date")
        self.assertRegex(transitions[4]["MESSAGE"],
                         r"^appproxy: up_to_date → unreachable \(.+\)$")
        self.assertEqual(transitions[5]["MESSAGE"], "appproxy: unreachable → up_to_date")

        by_message = {entry["MESSAGE"].split(" (")[0]: entry for entry in transitions}
        expected = {
            "manager: first check: up_to_date": dict(
                PRIORITY="6", ALEMBIC_STATE="up_to_date", ALEMBIC_PENDING="0",
                ALEMBIC_CURRENT=heads["manager"]),
            "accountmgr: first check: behind": dict(
                PRIORITY="4", ALEMBIC_STATE="behind", ALEMBIC_PENDING="2",
                ALEMBIC_CURRENT=self.projects["accountmgr"].revisions[0]),
            "appproxy: first check: up_to_date": dict(
                PRIORITY="6", ALEMBIC_STATE="up_to_date", ALEMBIC_PENDING="0",
                ALEMBIC_CURRENT=heads["appproxy"]),
            "accountmgr: behind → up_to_date": dict(
                PRIORITY="6", ALEMBIC_STATE="up_to_date", ALEMBIC_PREVIOUS_STATE="behind",
                ALEMBIC_PENDING="0", ALEMBIC_CURRENT=heads["accountmgr"]),
            "appproxy: up_to_date → unreachable": dict(
                PRIORITY="3", ALEMBIC_STATE="unreachable", ALEMBIC_PREVIOUS_STATE="up_to_date",
                ALEMBIC_REASON="connection_refused"),
            "appproxy: unreachable → up_to_date": dict(
                PRIORITY="6", ALEMBIC_STATE="up_to_date", ALEMBIC_PREVIOUS_STATE="unreachable",
                ALEMBIC_PENDING="0", ALEMBIC_CURRENT=heads["appproxy"]),
        }
        self.assertEqual(sorted(by_message), sorted(expected))
        app_cpp = read_source("daemon", "app", "app.cpp")
        for message, fields in expected.items():
            entry = by_message[message]
            component = message.split(":")[0]
            with self.subTest(message=message):
                for name, value in fields.items():
                    self.assertEqual(entry.get(name), value, name)
                self.assertEqual(entry["ALEMBIC_COMPONENT"], component)
                self.assertEqual(entry["ALEMBIC_HEADS"], heads[component])
                self.assertEqual(entry["MESSAGE_ID"], ids[fields["ALEMBIC_STATE"]])
                self.assertEqual(entry["SYSLOG_IDENTIFIER"], "alembic_exporter")
                if "ALEMBIC_PREVIOUS_STATE" not in fields:
                    self.assertNotIn("ALEMBIC_PREVIOUS_STATE", entry)
                if "ALEMBIC_CURRENT" not in fields:  # the database was not read
                    self.assertNotIn("ALEMBIC_CURRENT", entry)
                    self.assertNotIn("ALEMBIC_PENDING", entry)
                if "ALEMBIC_REASON" not in fields:
                    self.assertNotIn("ALEMBIC_REASON", entry)
                self.assertTrue(entry["CODE_FILE"].endswith("daemon/app/app.cpp"),
                                entry["CODE_FILE"])
                self.assertEqual(entry["CODE_LINE"],
                                 line_of(app_cpp, "logger_.write(systemd::transition_entry("))
                self.assertIn("on_result", entry["CODE_FUNC"])

        lifecycle = [(entry["MESSAGE"].split(" (")[0], entry["MESSAGE_ID"], entry["PRIORITY"])
                     for entry in entries if "ALEMBIC_STATE" not in entry]
        self.assertEqual(lifecycle, [
            (f"listening on 127.0.0.1:{daemon.port}", message_id("started"), "6"),
            ("configuration reloaded", message_id("config_reloaded"), "6"),
            ("stopping", message_id("stopping"), "6")])
        self.assertEqual(entries[-1]["MESSAGE"], "stopping")
        for entry in entries:
            if "ALEMBIC_STATE" not in entry:  # the catalog's texts name the file
                self.assertEqual(entry["ALEMBIC_CONFIG_FILE"], self.config)
        for entry in entries:
            self.assertNotIn("logger.cpp", entry["CODE_FILE"])

        everything = "".join(str(entry) for entry in self.journal.entries())
        self.assertNotIn(PASSWORD, everything)
        for path in self.journal.files():
            with open(path, "rb") as handle:
                self.assertNotIn(PASSWORD.encode(), handle.read())

    def test_script_warnings_logged_when_they_change_never_as_a_transition(self):
        """Issue 15: branch_labels only known at import time is a warning: one entry when it
        appears, one when it is gone, and the state does not move."""
        project = self.projects["manager"]
        versions = os.path.join(project.script_dir, "versions")
        head = os.path.join(versions, next(name for name in os.listdir(versions)
                                           if name.startswith(project.revisions[-1] + "_")))
        with open(head) as handle:
            original = handle.read()
        warning_id = message_id("script_warnings_changed")
        daemon = ExporterDaemon(self.config, listening_log=lambda: "\n".join(
            entry["MESSAGE"] for entry in self.daemon_entries(daemon)))
        try:
            with daemon:
                first = self.wait_for_transitions(daemon, 3, "first states")
                with open(head, "a") as handle:
                    handle.write("\nfrom os import sep\nbranch_labels = (sep,)\n")
                daemon.wait_for(lambda: self.daemon_entries(daemon, MESSAGE_ID=warning_id),
                                what="warning logged")
                with open(head, "w") as handle:
                    handle.write(original)
                daemon.wait_for(lambda: len(self.daemon_entries(daemon,
                                                                MESSAGE_ID=warning_id)) >= 2,
                                what="warning cleared")
                time.sleep(0.6)
                self.assertEqual(self.transitions(daemon), first)
                daemon.stop()
        finally:
            with open(head, "w") as handle:
                handle.write(original)
        appeared, cleared = self.daemon_entries(daemon, MESSAGE_ID=warning_id)
        self.assertEqual(appeared["PRIORITY"], "5")
        self.assertEqual(appeared["ALEMBIC_COMPONENT"], "manager")
        self.assertEqual(appeared["ALEMBIC_WARNINGS"], "1")
        self.assertEqual(appeared["ALEMBIC_WARNING_KINDS"], "dynamic_branch_labels")
        self.assertRegex(appeared["MESSAGE"],
                         r"^manager: 1 script warning \(first: .+\.py:\d+:\d+: branch_labels of "
                         r"revision \w+ is only known at import time \(`sep` is imported at line "
                         r"\d+\); the revision is read without branch labels\)$")
        self.assertEqual(cleared["MESSAGE"], "manager: no script warnings any more")
        self.assertEqual(cleared["ALEMBIC_WARNINGS"], "0")

    def journal_stream(self):
        """A stderr connected to journald as systemd connects a service's, and the
        JOURNAL_STREAM value naming it."""
        stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(stream.close)
        stream.connect("/run/systemd/journal/stdout")
        # identifier, unit, priority, level prefix, forward to syslog, kmsg, console
        stream.sendall(f"{STREAM_IDENTIFIER}\n\n6\n1\n0\n0\n0\n".encode())
        status = os.fstat(stream.fileno())
        return stream, f"{status.st_dev}:{status.st_ino}"

    def stream_lines(self):
        return [entry["MESSAGE"] for entry in
                self.journal.entries(f"SYSLOG_IDENTIFIER={STREAM_IDENTIFIER}")]

    def test_log_auto_under_journal_stream(self):
        config = os.path.join(self.root, "auto.yaml")
        with open(self.config) as source, open(config, "w") as target:
            target.write(source.read().replace("log: journald", "log: auto"))
        stream, journal_stream = self.journal_stream()
        daemon = ExporterDaemon(config, env={"JOURNAL_STREAM": journal_stream}, stderr=stream,
                                listening_log=lambda: "\n".join(
                                    entry["MESSAGE"] for entry in self.daemon_entries(daemon)))
        with daemon:
            self.wait_for_transitions(daemon, 3, "first states")
            self.assertEqual(daemon.stop()[0], 0)
        self.assertEqual({entry["_TRANSPORT"] for entry in self.daemon_entries(daemon)},
                         {"journal"})
        self.assertEqual(self.stream_lines(), [])

        # `log: stderr` on the same stream: plain lines, which journald stamps itself.
        config = os.path.join(self.root, "stderr.yaml")
        with open(self.config) as source, open(config, "w") as target:
            target.write(source.read().replace("log: journald", "log: stderr"))
        daemon = ExporterDaemon(config, env={"JOURNAL_STREAM": journal_stream}, stderr=stream,
                                listening_log=lambda: "\n".join(self.stream_lines()))
        with daemon:
            daemon.wait_for(lambda: len(self.stream_lines()) >= 4, what="first states")
            self.assertEqual(daemon.stop()[0], 0)
        self.assertEqual({entry["_TRANSPORT"] for entry in self.daemon_entries(daemon)},
                         {"stdout"})
        lines = self.stream_lines()
        self.assertTrue(lines[0].startswith("info listening on "), lines)
        self.assertIn("info manager: first check: up_to_date", lines)
        self.assertEqual(lines[-1], "info stopping")


if __name__ == "__main__":
    unittest.main()
