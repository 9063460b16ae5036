"""Fails when a test file exists that no meson.build registers: such a test is never run.

A C++ unit test is a `*_test.cpp` under tests/unit/, an integration, systemd, soak or package
test a `*_test.py` under tests/integration/, tests/systemd/, tests/soak/ or tests/package/; the
last two are run by ./run (NOT_IN_MESON). A file counts as registered when a quoted string in a
meson.build of tests/ names it relative to that meson.build's folder, as `files()`,
`executable()` and the test tables there do.

    check_tests_registered.py SOURCE_ROOT
"""

import pathlib
import re
import sys

# Test files that meson deliberately does not run, with the reason.
NOT_IN_MESON = {
    "tests/soak/soak_test.py": "hours long; ./run soak runs it",
    "tests/package/package_test.py": "needs the built .deb; ./run package (and CI) runs it",
}
TEST_FILES = ("unit/**/*_test.cpp", "integration/*_test.py", "systemd/*_test.py",
              "soak/*_test.py", "package/*_test.py")


def registered(tests_dir):
    names = set()
    for meson_build in tests_dir.rglob("meson.build"):
        for quoted in re.findall(r"'([^'\n]+)'", meson_build.read_text()):
            names.add((meson_build.parent / quoted).resolve())
    return names


def main(source_root):
    root = pathlib.Path(source_root).resolve()
    tests_dir = root / "tests"
    known = registered(tests_dir)
    missing = []
    for pattern in TEST_FILES:
        for path in sorted(tests_dir.glob(pattern)):
            relative = path.relative_to(root).as_posix()
            if path.resolve() not in known and relative not in NOT_IN_MESON:
                missing.append(relative)
    for relative in missing:
        print(f"{relative}: not registered in any tests/**/meson.build, so it never runs",
              file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
