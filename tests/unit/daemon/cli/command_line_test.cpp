#include "daemon/cli/command_line.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/build_info.hpp"

namespace alembic_exporter::cli {
namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string_view> arguments) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = run_command_line(arguments, out, err);
  return {code, out.str(), err.str()};
}

TEST_CASE("no arguments prints usage to stderr and exits 64") {
  const auto result = run({});
  CHECK(result.code == 64);
  CHECK(result.out.empty());
  CHECK(result.err.find("Usage: alembic_exporter <command>") != std::string::npos);
}

TEST_CASE("--version prints the version and the build revision") {
  for (std::string_view flag : {"--version", "-V"}) {
    const auto result = run({flag});
    CHECK(result.code == 0);
    CHECK(result.out == std::string("alembic_exporter ") + core::build::version + " (" +
                            core::build::revision + ")\n");
  }
  CHECK(std::string_view(core::build::revision) != "@VCS_TAG@");
}

TEST_CASE("every subcommand answers --help and --version") {
  for (std::string_view command : {"status", "serve", "check-config", "wait"}) {
    const auto help = run({command, "--help"});
    CHECK(help.code == 0);
    CHECK(help.out.find("Usage: alembic_exporter " + std::string(command)) == 0);
    const auto version = run({command, "--version"});
    CHECK(version.code == 0);
    CHECK(version.out.find("alembic_exporter ") == 0);
  }
}

TEST_CASE("wait refuses unknown states and bad durations before checking anything") {
  const auto state = run({"wait", "--until", "up_to_date,ahead"});
  CHECK(state.code == 64);
  CHECK(state.err.find("unknown state 'ahead' in --until (expected up_to_date, behind,") !=
        std::string::npos);
  const auto duration = run({"wait", "--check-timeout", "0s"});
  CHECK(duration.code == 64);
  CHECK(duration.err.find("--check-timeout takes a duration like 500ms, 5s or 10m, not '0s'") !=
        std::string::npos);
}

TEST_CASE("an unknown command is a usage error naming it") {
  const auto result = run({"upgrade"});
  CHECK(result.code == 64);
  CHECK(result.err.find("unknown command 'upgrade'") != std::string::npos);
}

}  // namespace
}  // namespace alembic_exporter::cli
