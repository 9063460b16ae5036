#!/usr/bin/python3
"""Checks the Debian package that `./run package` built: its contents and conffiles, lintian,
the configuration it ships (check-config), an install, upgrade, remove and purge in a throwaway
root (dpkg --root, maintainer scripts included), the installed unit (systemd-analyze verify),
and that the Containerfile installs what the build produced.

    package_test.py PACKAGE_BUILD_DIR [unittest arguments]

The dpkg and lintian commands and their output go to PACKAGE_BUILD_DIR/transcript.txt.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(sys.argv.pop(1)).resolve() if len(sys.argv) > 1 else SOURCE / "build-package"
TRANSCRIPT = PACKAGE_DIR / "transcript.txt"
UNIT = "alembic-exporter.service"
CONFFILE = "/etc/alembic-exporter/config.yaml"
# What the package must install, beyond /usr/share/doc.
EXPECTED_FILES = {
    "/usr/bin/alembic_exporter",
    f"/lib/systemd/system/{UNIT}",
    "/usr/lib/systemd/catalog/alembic-exporter.catalog",
    "/usr/lib/sysusers.d/alembic-exporter.conf",
    "/usr/share/man/man1/alembic_exporter.1.gz",
    CONFFILE,
    "/usr/lib/x86_64-linux-gnu/alembic-exporter/libssl.so",
    "/usr/share/doc/alembic-exporter/copyright",
    "/usr/share/doc/alembic-exporter/SYSTEMD.md.gz",
    "/usr/share/doc/alembic-exporter/examples/backend.ai.yaml",
}
# Libraries the binary loads with dlopen (daemon/systemd/libsystemd.cpp,
# collectors/mysql/libmariadb.cpp): dpkg-shlibdeps cannot see them.
DLOPENED = ("libsystemd.so.0", "libmariadb.so.3")


def log(text):
    with open(TRANSCRIPT, "a", encoding="utf-8") as transcript:
        transcript.write(text if text.endswith("\n") else text + "\n")


def run(*command, check=True, env=None):
    """Runs `command`, logging it and its output; returns the completed process."""
    result = subprocess.run(command, capture_output=True, text=True, check=False,
                            env={**os.environ, **(env or {})})
    log(f"$ {' '.join(str(part) for part in command)}\n{result.stdout}{result.stderr}"
        f"[exit {result.returncode}]\n")
    if check and result.returncode != 0:
        raise AssertionError(f"{command[0]} failed ({result.returncode}):\n"
                             f"{result.stdout}{result.stderr}")
    return result


def the_deb():
    debs = glob.glob(str(PACKAGE_DIR / "alembic-exporter_*.deb"))
    if len(debs) != 1:
        raise AssertionError(f"expected one alembic-exporter_*.deb in {PACKAGE_DIR}, found {debs}")
    return Path(debs[0])


def package_version(deb):
    return run("dpkg-deb", "--field", str(deb), "Version").stdout.strip()


class ThrowawayRoot:
    """An empty root that dpkg manages (its own database); maintainer scripts run outside a
    chroot with DPKG_ROOT set (--force-script-chrootless), as debhelper's snippets support.
    The library dependencies live on the host, not in the root: --force-depends."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix="alembic-exporter-root-"))
        # What every Debian system with systemd has, so that a purge can be compared with it.
        for directory in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log",
                          "etc/systemd/system", "var/lib/systemd"):
            (self.path / directory).mkdir(parents=True)
        (self.path / "var/lib/dpkg/status").touch()
        (self.path / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
        (self.path / "etc/group").write_text("root:x:0:\n")
        (self.path / "etc/shadow").write_text("root:*:19000:0:99999:7:::\n")
        (self.path / "etc/gshadow").write_text("root:*::\n")

    def dpkg(self, *arguments, check=True):
        return run("dpkg", f"--root={self.path}", "--force-script-chrootless", "--force-depends",
                   "--force-confold", *arguments, check=check)

    def files(self):
        """Every path under the root, relative, with the dpkg database and log left out."""
        found = set()
        for directory, subdirectories, names in os.walk(self.path):
            relative = os.path.relpath(directory, self.path)
            for name in subdirectories + names:
                found.add(os.path.normpath(os.path.join(relative, name)))
        return {path for path in found if not path.startswith(("var/lib/dpkg", "var/log"))}

    def remove(self):
        shutil.rmtree(self.path)


def repacked_with_version(deb, version, work):
    """`deb` again under another version: the same files and maintainer scripts, to upgrade to."""
    unpacked = Path(work) / "unpacked"
    run("dpkg-deb", "--raw-extract", str(deb), str(unpacked))
    control = unpacked / "DEBIAN" / "control"
    control.write_text(re.sub(r"^Version: .*$", f"Version: {version}", control.read_text(),
                              flags=re.MULTILINE))
    upgraded = Path(work) / f"alembic-exporter_{version}.deb"
    run("dpkg-deb", "--root-owner-group", "--build", str(unpacked), str(upgraded))
    return upgraded


class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deb = the_deb()
        cls.version = package_version(cls.deb)

    def test_contents(self):
        listing = run("dpkg-deb", "--contents", str(self.deb)).stdout
        files = {line.split(None, 5)[5].split(" -> ")[0].lstrip(".")
                 for line in listing.splitlines() if not line.startswith("d")}
        self.assertLessEqual(EXPECTED_FILES, files)
        self.assertEqual(files - EXPECTED_FILES,
                         {"/usr/share/doc/alembic-exporter/changelog.gz",
                          "/usr/share/doc/alembic-exporter/examples/minimal.yaml",
                          "/usr/share/doc/alembic-exporter/examples/mysql.yaml",
                          "/usr/share/doc/alembic-exporter/examples/postgresql.yaml",
                          "/usr/share/doc/alembic-exporter/examples/sqlite.yaml",
                          "/usr/share/doc/alembic-exporter/examples/tenants.yaml",
                          "/usr/share/lintian/overrides/alembic-exporter"})
        conffiles = run("dpkg-deb", "--info", str(self.deb), "conffiles").stdout.split()
        self.assertEqual(conffiles, [CONFFILE])

    def test_depends_on_the_packages_of_the_libraries_it_loads_with_dlopen(self):
        depends = run("dpkg-deb", "--field", str(self.deb), "Depends").stdout
        packages = {re.split(r"[\s(:]", alternative.strip())[0]
                    for alternative in re.split(r"[,|]", depends)}
        with tempfile.TemporaryDirectory() as work:
            run("dpkg-deb", "--extract", str(self.deb), work)
            binary = Path(work) / "usr/bin/alembic_exporter"
            needed = run("readelf", "--dynamic", str(binary)).stdout
            contents = binary.read_bytes()
        for soname in DLOPENED:
            with self.subTest(soname=soname):
                self.assertIn(soname.encode(), contents)
                self.assertNotIn(f"[{soname}]", needed)
                owner = run("dpkg-query", "--search", f"*/{soname}").stdout.split(":")[0]
                self.assertIn(owner, packages)

    def test_maintainer_scripts_never_start_but_restart_and_stop_a_running_daemon(self):
        # Read, not run: these branches need systemd as PID 1, which the throwaway root has not.
        with tempfile.TemporaryDirectory() as work:
            run("dpkg-deb", "--control", str(self.deb), work)
            scripts = {name: (Path(work) / name).read_text() if (Path(work) / name).exists()
                       else "" for name in ("preinst", "postinst", "prerm", "postrm")}
        invoked = {name: re.findall(r"deb-systemd-invoke (\S+)", text)
                   for name, text in scripts.items()}
        self.assertEqual(invoked, {"preinst": [], "postinst": ["try-restart"], "prerm": ["stop"],
                                   "postrm": []})
        self.assertIn('if [ -n "$2" ]; then', scripts["postinst"])  # upgrades only
        self.assertIn('[ "$1" = remove ]', scripts["prerm"])

    def test_lintian_reports_no_error_or_warning(self):
        result = run("lintian", "--fail-on", "error,warning", str(self.deb), check=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        problems = [line for line in result.stdout.splitlines() if line[:2] in ("E:", "W:")]
        self.assertEqual(problems, [])

    def test_every_lintian_override_carries_a_reason(self):
        # --show-overrides prints each override ("O:") after its comment ("N:" lines).
        shown = run("lintian", "--show-overrides", str(self.deb), check=False).stdout.splitlines()
        overrides = [index for index, line in enumerate(shown) if line.startswith("O:")]
        self.assertTrue(overrides)
        for index in overrides:
            self.assertTrue(index > 0 and shown[index - 1].startswith("N: "), shown[index])

    def test_version_is_the_projects(self):
        meson_version = re.search(r"version: '([^']+)'",
                                  (SOURCE / "meson.build").read_text()).group(1)
        self.assertEqual(self.version, meson_version)

    def test_shipped_configuration_passes_check_config(self):
        with tempfile.TemporaryDirectory() as work:
            run("dpkg-deb", "--extract", str(self.deb), work)
            private_libs = glob.glob(f"{work}/usr/lib/*/alembic-exporter")
            result = run(f"{work}/usr/bin/alembic_exporter", "check-config", "--config",
                         f"{work}{CONFFILE}", check=False,
                         env={"LD_LIBRARY_PATH": ":".join(private_libs)})
            self.assertEqual(result.returncode, 0, result.stderr)

    def test_install_upgrade_remove_purge(self):
        root = ThrowawayRoot()
        try:
            self.install_upgrade_remove_purge(root)
        finally:
            root.remove()

    def install_upgrade_remove_purge(self, root):
        before = root.files()
        root.dpkg("--install", str(self.deb))
        status = root.dpkg("--status", "alembic-exporter").stdout
        self.assertIn("Status: install ok installed", status)
        for path in EXPECTED_FILES:
            self.assertTrue((root.path / path.lstrip("/")).exists(), path)
        # The sysusers.d entry made the system user; the unit is enabled, not started.
        passwd = (root.path / "etc/passwd").read_text()
        self.assertRegex(passwd, r"(?m)^alembic-exporter:x:\d+:\d+:")
        wants = root.path / "etc/systemd/system/multi-user.target.wants" / UNIT
        self.assertEqual(os.readlink(wants), f"/lib/systemd/system/{UNIT}")
        self.verify_unit(root)

        conffile = root.path / CONFFILE.lstrip("/")
        edited = conffile.read_text().replace("interval: 30s", "interval: 45s")
        self.assertNotEqual(edited, conffile.read_text())
        conffile.write_text(edited)
        with tempfile.TemporaryDirectory() as work:
            upgrade = repacked_with_version(self.deb, f"{self.version}+upgrade1", work)
            root.dpkg("--install", str(upgrade))
        self.assertIn(f"Version: {self.version}+upgrade1",
                      root.dpkg("--status", "alembic-exporter").stdout)
        self.assertEqual(conffile.read_text(), edited)
        self.assertEqual(list(conffile.parent.glob("*.dpkg-*")), [])
        self.assertTrue(wants.is_symlink())

        root.dpkg("--remove", "alembic-exporter")
        self.assertFalse((root.path / "usr/bin/alembic_exporter").exists())
        self.assertEqual(conffile.read_text(), edited)  # kept until purge, as for any conffile

        root.dpkg("--purge", "alembic-exporter")
        self.assertNotIn("alembic-exporter",
                         root.dpkg("--list", "alembic-exporter", check=False).stdout)
        # Nothing left but the system user: Debian never deletes one (its UID may still own
        # files); adding it left the user database's lock and backup files.
        left = root.files() - before
        self.assertLessEqual(left, {"etc/.pwd.lock", "etc/passwd-", "etc/group-", "etc/shadow-",
                                    "etc/gshadow-"})
        self.assertRegex((root.path / "etc/passwd").read_text(), r"(?m)^alembic-exporter:")

    def verify_unit(self, root):
        """`systemd-analyze verify` on the installed unit, in a private mount namespace where the
        root's /usr/bin and man pages are overlaid on the host's: ExecStart's binary and the
        Documentation= man page are the installed ones (--man=yes checks that man finds it)."""
        unit = root.path / "lib/systemd/system" / UNIT
        overlays = " && ".join(
            f"mount -t overlay overlay -o lowerdir={root.path}{path}:{path} {path}"
            for path in ("/usr/bin", "/usr/share/man"))
        script = f"{{ {overlays}; }} 2>/dev/null || exit 77; systemd-analyze verify --man=yes {unit}"
        result = run("unshare", "--mount", "sh", "-c", script, check=False)
        if result.returncode == 77:
            self.skipTest("no private mount namespace with overlayfs here")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout + result.stderr, "")


class ContainerfileTest(unittest.TestCase):
    """No container engine runs here: the recipe's COPY and RUN lines are checked against what
    the package build produced and what the package installs."""

    @classmethod
    def setUpClass(cls):
        cls.recipe = (SOURCE / "Containerfile").read_text()
        cls.instructions = re.findall(r"(?m)^([A-Z]+) ((?:.*\\\n)*.*)$", cls.recipe)

    def instruction(self, name):
        return [argument for instruction, argument in self.instructions if instruction == name]

    def test_base_image(self):
        self.assertEqual(self.instruction("FROM"), ["debian:bookworm-slim"])

    def test_copy_takes_the_built_package_and_run_installs_it(self):
        [copy] = self.instruction("COPY")
        source, destination = copy.split()
        matches = glob.glob(str(SOURCE / source))
        self.assertEqual([Path(match).resolve() for match in matches], [the_deb()])
        installs = [line for line in self.instruction("RUN") if "apt-get install" in line]
        self.assertEqual(len(installs), 1)
        self.assertIn(destination + Path(source).name, installs[0])

    def test_user_is_the_packages_system_user_and_not_root(self):
        [user] = self.instruction("USER")
        uid, gid = user.split(":")
        self.assertNotEqual(uid, "0")
        sysusers = (SOURCE / "systemd" / "alembic-exporter.sysusers").read_text()
        name = re.search(r"(?m)^u (\S+) ", sysusers).group(1)
        self.assertIn(f"useradd --system --uid {uid} --gid {name}", self.recipe)
        self.assertIn(f"groupadd --system --gid {gid} {name}", self.recipe)

    def test_entrypoint_config_and_healthcheck_are_installed_by_the_package(self):
        listing = run("dpkg-deb", "--contents", str(the_deb())).stdout
        for path in re.findall(r'"(/(?:usr|etc)/[^"]+)"', self.recipe):
            self.assertIn(f".{path}\n", listing + "\n", path)
        [healthcheck] = self.instruction("HEALTHCHECK")
        config = (SOURCE / "debian" / "config.yaml").read_text()
        listen = re.search(r'(?m)^listen: \["([^"]+)"\]', config).group(1)
        self.assertIn(f"http://{listen}/healthz", healthcheck)


if __name__ == "__main__":
    PACKAGE_DIR.mkdir(exist_ok=True)
    TRANSCRIPT.write_text("")
    unittest.main(verbosity=2)
