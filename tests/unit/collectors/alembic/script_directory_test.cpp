#include "collectors/alembic/script_directory.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/unit/temporary_directory.hpp"

namespace alembic_exporter::alembic {
namespace {

namespace fs = std::filesystem;
using Ids = std::vector<std::string>;

using TempDir = alembic_exporter::testing::TemporaryDirectory;

std::string revision_file(const std::string& id, const std::string& down = "") {
  return "\"\"\"message of " + id + "\n\nRevision ID: " + id + "\n\"\"\"\nrevision = '" + id +
         "'\ndown_revision = " + (down.empty() ? "None" : "'" + down + "'") +
         "\nbranch_labels = None\ndepends_on = None\n";
}

Ids ids_of(const RevisionGraph& graph) {
  Ids ids;
  for (const auto& revision : graph.revisions()) ids.push_back(revision.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_CASE("lists *.py files as alembic does") {
  TempDir dir;
  dir.write("versions/a1_first.py", revision_file("a1"));
  dir.write("versions/b2_second.py", revision_file("b2", "a1"));
  dir.write("versions/README", "not python");
  dir.write("versions/.keep", "");
  dir.write("versions/__init__.py", "");
  dir.write("versions/__init__old.py", revision_file("x1"));
  dir.write("versions/.#b2_second.py", "lock file (((");
  dir.write("versions/b2_second.pyc", "bytecode");
  dir.write("versions/notes.py.orig", revision_file("x2"));
  dir.write("versions/sub/c3_nested.py", revision_file("c3", "b2"));
  dir.write("versions/__pycache__/d4.py", revision_file("d4", "b2"));

  ScriptDirectory flat({dir.path("versions")}, false);
  const ScriptDirectoryScan scan = flat.scan();
  CHECK(scan.findings.empty());
  CHECK(scan.files_parsed == 2);
  CHECK(ids_of(*scan.graph) == Ids{"a1", "b2"});
  CHECK(scan.graph->find("b2")->path == dir.path("versions/b2_second.py"));
  CHECK(scan.graph->find("b2")->message == "message of b2");

  ScriptDirectory recursive({dir.path("versions")}, true);
  const ScriptDirectoryScan deep = recursive.scan();
  CHECK(deep.findings.empty());
  CHECK(ids_of(*deep.graph) == Ids{"a1", "b2", "c3"});
  CHECK(deep.graph->heads() == Ids{"c3"});
}

TEST_CASE("several version locations make one graph") {
  TempDir dir;
  dir.write("one/a1.py", revision_file("a1"));
  dir.write("two/b2.py", revision_file("b2", "a1"));
  ScriptDirectory scripts({dir.path("one"), dir.path("two")}, false);
  const ScriptDirectoryScan scan = scripts.scan();
  CHECK(scan.findings.empty());
  CHECK(scan.graph->heads() == Ids{"b2"});
}

TEST_CASE("the same file reached through two locations is read once") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  fs::create_directory_symlink(dir.path("versions"), dir.path("alias"));
  ScriptDirectory scripts({dir.path("versions"), dir.path("alias")}, false);
  const ScriptDirectoryScan scan = scripts.scan();
  CHECK(scan.findings.empty());
  CHECK(scan.graph->revisions().size() == 1);
}

TEST_CASE("problems with files and locations are findings with places") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  dir.write("versions/b2.py", revision_file("b2", "gone"));
  dir.write("versions/c3.py", revision_file("a1", "a1"));
  dir.write("versions/d4.py", "revision = 'd4'\ndown_revision = 'a1\n");
  dir.write("versions/helpers.py", "def helper():\n    return 1\n");
  ScriptDirectory scripts({dir.path("versions"), dir.path("missing")}, false);
  const ScriptDirectoryScan scan = scripts.scan();
  REQUIRE(scan.findings.size() == 5);
  CHECK(scan.findings[0].kind == ScriptFinding::Kind::missing_directory);
  CHECK(scan.findings[0].path == dir.path("missing"));
  CHECK(scan.findings[1].kind == ScriptFinding::Kind::dangling_reference);
  CHECK(scan.findings[1].path == dir.path("versions/b2.py"));
  CHECK(scan.findings[1].line == 6);
  CHECK(scan.findings[2].kind == ScriptFinding::Kind::duplicate_revision);
  CHECK(scan.findings[2].path == dir.path("versions/c3.py"));
  CHECK(scan.findings[2].line == 5);
  CHECK(scan.findings[2].message.find(dir.path("versions/a1.py")) != std::string::npos);
  CHECK(scan.findings[3].kind == ScriptFinding::Kind::parse_error);
  CHECK(scan.findings[3].path == dir.path("versions/d4.py"));
  CHECK(scan.findings[3].line == 2);
  CHECK(scan.findings[3].column > 0);
  CHECK(scan.findings[4].kind == ScriptFinding::Kind::parse_error);
  CHECK(scan.findings[4].path == dir.path("versions/helpers.py"));
  CHECK(scan.graph->heads() == Ids{"a1", "b2"});
}

TEST_CASE("an unchanged directory gives back the same graph without reading a file") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  dir.write("versions/b2.py", revision_file("b2", "a1"));
  ScriptDirectory scripts({dir.path("versions")}, false);
  const ScriptDirectoryScan first = scripts.scan();
  CHECK(first.files_parsed == 2);
  const ScriptDirectoryScan second = scripts.scan();
  CHECK(second.files_parsed == 0);
  CHECK(second.graph == first.graph);
}

TEST_CASE("a changed file is the only one read again") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  dir.write("versions/b2.py", revision_file("b2", "a1"));
  dir.write("versions/c3.py", revision_file("c3", "b2"));
  ScriptDirectory scripts({dir.path("versions")}, false);
  const ScriptDirectoryScan first = scripts.scan();
  dir.write("versions/c3.py", revision_file("c3", "a1") + "# now a branch\n");
  const ScriptDirectoryScan second = scripts.scan();
  CHECK(second.files_parsed == 1);
  CHECK(second.graph != first.graph);
  CHECK(second.graph->heads() == Ids{"b2", "c3"});
  CHECK(first.graph->heads() == Ids{"c3"});  // the old graph is untouched
}

TEST_CASE("added and removed files are noticed") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  dir.write("versions/b2.py", revision_file("b2", "a1"));
  ScriptDirectory scripts({dir.path("versions")}, false);
  CHECK(scripts.scan().graph->heads() == Ids{"b2"});

  dir.write("versions/c3.py", revision_file("c3", "b2"));
  const ScriptDirectoryScan added = scripts.scan();
  CHECK(added.files_parsed == 1);
  CHECK(added.graph->heads() == Ids{"c3"});

  fs::remove(dir.path("versions/c3.py"));
  fs::remove(dir.path("versions/b2.py"));
  const ScriptDirectoryScan removed = scripts.scan();
  CHECK(removed.files_parsed == 0);
  CHECK(ids_of(*removed.graph) == Ids{"a1"});
}

/// Each revision as "path id<-parents: message", in load order; and each finding's path and line.
std::vector<std::string> described(const ScriptDirectoryScan& scan) {
  std::vector<std::string> lines;
  for (const auto& revision : scan.graph->revisions()) {
    std::string line = revision.path + " " + revision.id + "<-";
    for (const auto& parent : revision.down_revisions) line += parent + ",";
    lines.push_back(line + ": " + revision.message);
  }
  for (const auto& finding : scan.findings) {
    lines.push_back("finding " + finding.path + ":" + std::to_string(finding.line));
  }
  return lines;
}

TEST_CASE("revisions and findings kept from earlier scans equal those read afresh") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  dir.write("versions/b2.py", revision_file("b2", "a1"));
  dir.write("versions/broken.py", "revision = 'x'\ndown_revision = 'a1\n");
  dir.write("versions/c3.py", revision_file("c3", "b2"));
  ScriptDirectory scripts({dir.path("versions")}, false);
  scripts.scan();
  // Every change moves the remaining revisions to other places in the load order.
  dir.write("versions/d4.py", revision_file("d4", "c3"));
  CHECK(scripts.scan().files_parsed == 1);
  fs::remove(dir.path("versions/a1.py"));
  dir.write("versions/b2.py", revision_file("b2"));
  const ScriptDirectoryScan rescan = scripts.scan();
  CHECK(rescan.files_parsed == 1);
  REQUIRE(rescan.findings.size() == 1);
  CHECK(described(rescan) == described(ScriptDirectory({dir.path("versions")}, false).scan()));
}

TEST_CASE("a version location that appears or vanishes is noticed") {
  TempDir dir;
  ScriptDirectory scripts({dir.path("versions")}, false);
  const ScriptDirectoryScan missing = scripts.scan();
  REQUIRE(missing.findings.size() == 1);
  CHECK(missing.findings[0].kind == ScriptFinding::Kind::missing_directory);
  dir.write("versions/a1.py", revision_file("a1"));
  const ScriptDirectoryScan present = scripts.scan();
  CHECK(present.findings.empty());
  CHECK(present.graph->heads() == Ids{"a1"});
}

/// Scans until the watches are set and trusted: the first scan sets none.
ScriptDirectoryScan scan_watching(ScriptDirectory& scripts) {
  scripts.scan();
  scripts.scan();
  const ScriptDirectoryScan quiet = scripts.scan();
  CHECK(quiet.files_checked == 0);
  return quiet;
}

TEST_CASE("an unchanged directory is trusted to its watches, with a full check now and then") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  dir.write("versions/b2.py", revision_file("b2", "a1"));
  ScriptDirectory scripts({dir.path("versions")}, false);
  const ScriptDirectoryScan first = scripts.scan();
  CHECK(first.files_checked == 2);
  const ScriptDirectoryScan watching = scripts.scan();  // the first scan set no watches
  CHECK(watching.files_checked == 2);
  CHECK(watching.graph == first.graph);
  for (unsigned scan = 1; scan < ScriptDirectory::full_check_interval; ++scan) {
    const ScriptDirectoryScan quiet = scripts.scan();
    CHECK(quiet.files_checked == 0);
    CHECK(quiet.files_parsed == 0);
    CHECK(quiet.graph == first.graph);
  }
  const ScriptDirectoryScan backstop = scripts.scan();
  CHECK(backstop.files_checked == 2);
  CHECK(backstop.files_parsed == 0);
  CHECK(backstop.graph == first.graph);
  CHECK(scripts.scan().files_checked == 0);
}

TEST_CASE("an in-place edit keeping size and mtime is noticed") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  dir.write("versions/b2.py", revision_file("b2", "a1"));
  dir.write("versions/c3.py", revision_file("c3", "b2"));
  ScriptDirectory scripts({dir.path("versions")}, false);
  CHECK(scan_watching(scripts).graph->heads() == Ids{"c3"});

  struct stat before {};
  REQUIRE(::stat(dir.path("versions/c3.py").c_str(), &before) == 0);
  {
    std::fstream file(dir.path("versions/c3.py"), std::ios::in | std::ios::out | std::ios::binary);
    const std::string text = revision_file("c3", "a1");  // same length: 'b2' becomes 'a1'
    REQUIRE(text.size() == static_cast<std::size_t>(before.st_size));
    file << text;
  }
  const struct timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, dir.path("versions/c3.py").c_str(), times, 0) == 0);

  const ScriptDirectoryScan edited = scripts.scan();
  CHECK(edited.files_parsed == 1);
  CHECK(edited.graph->heads() == Ids{"b2", "c3"});
}

TEST_CASE("files created, deleted or renamed in after quiet scans are noticed") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  ScriptDirectory scripts({dir.path("versions")}, false);
  scan_watching(scripts);

  dir.write("versions/b2.py", revision_file("b2", "a1"));
  const ScriptDirectoryScan created = scripts.scan();
  CHECK(created.files_parsed == 1);
  CHECK(created.graph->heads() == Ids{"b2"});
  CHECK(scripts.scan().files_checked == 0);

  fs::remove(dir.path("versions/b2.py"));
  const ScriptDirectoryScan deleted = scripts.scan();
  CHECK(ids_of(*deleted.graph) == Ids{"a1"});
  CHECK(scripts.scan().files_checked == 0);

  dir.write("elsewhere/c3.py", revision_file("c3", "a1"));
  fs::rename(dir.path("elsewhere/c3.py"), dir.path("versions/c3.py"));
  const ScriptDirectoryScan renamed = scripts.scan();
  CHECK(renamed.files_parsed == 1);
  CHECK(renamed.graph->heads() == Ids{"c3"});
}

TEST_CASE("a subdirectory created after a recursive scan is watched too") {
  TempDir dir;
  dir.write("versions/a1.py", revision_file("a1"));
  ScriptDirectory scripts({dir.path("versions")}, true);
  scan_watching(scripts);

  fs::create_directory(dir.path("versions/sub"));
  CHECK(ids_of(*scripts.scan().graph) == Ids{"a1"});
  CHECK(scripts.scan().files_checked == 0);

  dir.write("versions/sub/b2.py", revision_file("b2", "a1"));
  const ScriptDirectoryScan nested = scripts.scan();
  CHECK(nested.files_parsed == 1);
  CHECK(nested.graph->heads() == Ids{"b2"});
}

TEST_CASE("a version location swapped for another directory is noticed at once") {
  TempDir dir;
  dir.write("release1/a1.py", revision_file("a1"));
  dir.write("release2/a1.py", revision_file("a1"));
  dir.write("release2/b2.py", revision_file("b2", "a1"));
  fs::create_directory_symlink(dir.path("release1"), dir.path("current"));
  ScriptDirectory scripts({dir.path("current")}, false);
  scan_watching(scripts);

  fs::create_directory_symlink(dir.path("release2"), dir.path("next"));
  fs::rename(dir.path("next"), dir.path("current"));
  CHECK(scripts.scan().graph->heads() == Ids{"b2"});
}

TEST_CASE("files that can change through another directory are checked on every scan") {
  TempDir dir;
  dir.write("shared/a1.py", revision_file("a1"));
  fs::create_directory(dir.path("versions"));
  fs::create_symlink(dir.path("shared/a1.py"), dir.path("versions/a1.py"));
  ScriptDirectory scripts({dir.path("versions")}, false);
  scripts.scan();
  scripts.scan();
  CHECK(scripts.scan().files_checked == 1);
}

/// While it lives, this thread (and the threads it starts) cannot read files it lacks permission
/// for even as root: CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH leave the effective set. capset(2)
/// changes the calling thread only, and threads inherit their creator's capabilities.
class WithoutReadOverride {
 public:
  WithoutReadOverride() {
    REQUIRE(::syscall(SYS_capget, &header_, saved_) == 0);
    __user_cap_data_struct reduced[2] = {saved_[0], saved_[1]};
    reduced[0].effective &= ~((1U << CAP_DAC_OVERRIDE) | (1U << CAP_DAC_READ_SEARCH));
    REQUIRE(::syscall(SYS_capset, &header_, reduced) == 0);
  }
  ~WithoutReadOverride() { ::syscall(SYS_capset, &header_, saved_); }
  WithoutReadOverride(const WithoutReadOverride&) = delete;
  WithoutReadOverride& operator=(const WithoutReadOverride&) = delete;

 private:
  __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct saved_[2]{};
};

TEST_CASE("reading on several threads gives what one thread gives") {
  TempDir dir;
  // Enough files for the threads, in a chain so that the graph's order depends on every one.
  const std::size_t count = ScriptDirectory::parallel_reads_from + 16;
  for (std::size_t i = 0; i < count; ++i) {
    dir.write("versions/r" + std::to_string(i) + ".py",
              revision_file("r" + std::to_string(i), i == 0 ? "" : "r" + std::to_string(i - 1)));
  }
  dir.write("versions/broken.py", "revision = 'x'\ndown_revision = 'r1\n");
  dir.write("versions/locked.py", revision_file("locked", "r0"));
  fs::permissions(dir.path("versions/locked.py"), fs::perms::none);
  REQUIRE(::link(dir.path("versions/r3.py").c_str(), dir.path("versions/r3_again.py").c_str()) ==
          0);
  dir.write("shared/linked.py", revision_file("linked", "r2"));
  fs::create_symlink(dir.path("shared/linked.py"), dir.path("versions/linked.py"));
  REQUIRE(::mkfifo(dir.path("versions/pipe.py").c_str(), 0600) == 0);

  WithoutReadOverride unprivileged;
  ScriptDirectory one({dir.path("versions")}, false, std::make_shared<InotifyInstance>(), 1);
  ScriptDirectory four({dir.path("versions")}, false, std::make_shared<InotifyInstance>(), 4);
  const ScriptDirectoryScan single = one.scan();
  const ScriptDirectoryScan parallel = four.scan();

  CHECK(described(parallel) == described(single));
  CHECK(parallel.graph->revisions().size() == count + 1);  // r3_again.py is r3.py
  CHECK(parallel.files_parsed == single.files_parsed);
  CHECK(parallel.files_parsed == count + 3);
  CHECK(parallel.files_checked == single.files_checked);
  std::vector<std::pair<std::string, ScriptFinding::Kind>> findings;
  for (const auto& finding : parallel.findings) findings.emplace_back(finding.path, finding.kind);
  CHECK(findings == std::vector<std::pair<std::string, ScriptFinding::Kind>>{
                        {dir.path("versions/broken.py"), ScriptFinding::Kind::parse_error},
                        {dir.path("versions/locked.py"), ScriptFinding::Kind::unreadable_file}});
  CHECK(parallel.findings[1].message == "cannot read file: Permission denied");

  const ScriptDirectoryScan rescan = four.scan();
  CHECK(rescan.files_parsed == 0);
  CHECK(rescan.graph == parallel.graph);

  // A rescan with one file changed builds its graph and cache on two threads as well; r5 now
  // follows r3, which leaves r4 a head.
  dir.write("versions/r5.py", revision_file("r5", "r3") + "# now a branch\n");
  const ScriptDirectoryScan changed = four.scan();
  CHECK(changed.files_parsed == 1);
  CHECK(described(changed) == described(one.scan()));
  CHECK(changed.graph->heads() == Ids{"linked", "r4", "r" + std::to_string(count - 1)});
}

}  // namespace
}  // namespace alembic_exporter::alembic
