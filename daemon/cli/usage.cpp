#include "daemon/cli/usage.hpp"

#include "daemon/core/build_info.hpp"

namespace alembic_exporter::cli {
namespace {

constexpr std::string_view program_usage =
    R"(Usage: alembic_exporter <command> [options]

Tells whether each database schema matches its alembic migration scripts.

Commands:
  status        one-shot report for a person, before or after a deploy
  serve         long-running Prometheus exporter (systemd service)
  wait          block until the schemas are in a wanted state (init containers, deploys)
  check-config  validate a configuration file and print it normalized

Options:
  -h, --help     show this help (also after a command)
  -V, --version  show version and build revision

Exit codes: 0 up-to-date, 1 behind or no revision, 2 diverged, unknown revision or
script error, 3 unreachable, 64 usage error, 78 configuration error; wait: 0 arrived,
75 timed out, 130/143 stopped by SIGINT/SIGTERM.
)";

constexpr std::string_view status_usage =
    R"(Usage: alembic_exporter status [options]

Report whether a component's database is at the heads of its migration scripts.

Sources (one of):
  --config FILE                 the daemon's YAML configuration
  -c, --alembic-ini FILE        an alembic.ini, read like the alembic CLI does
  --script-location DIR         the alembic script directory itself

Options:
  --component NAME|all          component to report (default: the first one; in a Backend.AI
                                checkout manager, accountmgr, appproxy or all)
  -n, --name SECTION            the ini section to read (default: alembic)
  --source-root DIR[,DIR]       roots for package.module:dir script locations
                                (default: the ini's directory and its src/)
  --database URL                database to read (overrides the configured URL)
  --current REV[,REV...]|none   skip the database: pretend it holds these revisions
  --version-locations DIR[,DIR] version directories (default: DIR/versions)
  --recursive-version-locations also read subdirectories of the version directories
  --timeout DURATION            budget of each check, connect and query (default: 5s)
  --output text|json            output format (default: text)
  --verbose, -v                 list the pending revisions in apply order and the script
                                warnings
  --plain                       no glyphs or colour (also when NO_COLOR is set)
  -h, --help                    show this help
  -V, --version                 show version and build revision
)";

constexpr std::string_view wait_usage =
    R"(Usage: alembic_exporter wait [options]

Check the components `status` would report on, every --interval, until each is in one of the
--until states. Prints one line per change (and a live progress line on a terminal). Needs no
daemon: for init containers and deploy scripts.

Sources: --config FILE, -c/--alembic-ini FILE, --script-location DIR, or the alembic ini(s) in
the current directory, with --component, -n/--name, --database, --version-locations,
--recursive-version-locations and --source-root as for status.

Options:
  --until STATE[,STATE]   states to wait for (default: up_to_date)
  --timeout DURATION      give up after this long (default: 10m)
  --interval DURATION     time between checks (default: 2s)
  --check-timeout DURATION  budget of each check, connect and query (default: 5s)
  --plain                 no glyphs in the final report (also when NO_COLOR is set)
  -h, --help              show this help
  -V, --version           show version and build revision

Exit codes: 0 every component arrived; 75 timed out (after printing the final report);
130 SIGINT, 143 SIGTERM; 64 usage error; 78 configuration error.
)";

constexpr std::string_view serve_usage =
    R"(Usage: alembic_exporter serve --config FILE [--shard I/N]

Check every configured component periodically and serve Prometheus metrics.

Options:
  --config FILE   YAML configuration (e.g. /etc/alembic-exporter/config.yaml)
  --shard I/N     check only the components of shard I of N replicas (0 <= I < N; overrides
                  the file's shard, also on reload)
  -h, --help      show this help
  -V, --version   show version and build revision
)";

constexpr std::string_view check_config_usage =
    R"(Usage: alembic_exporter check-config --config FILE [--shard I/N]

Validate a configuration file; print it normalized (exit 0) or its problems (exit 78). With
several shards, also which components this one checks.

Options:
  --config FILE   YAML configuration
  --shard I/N     as serve --shard
  -h, --help      show this help
  -V, --version   show version and build revision
)";

}  // namespace

std::string_view usage_text(std::string_view subcommand) {
  if (subcommand.empty()) return program_usage;
  if (subcommand == "status") return status_usage;
  if (subcommand == "serve") return serve_usage;
  if (subcommand == "wait") return wait_usage;
  if (subcommand == "check-config") return check_config_usage;
  return {};
}

std::string version_line() {
  return std::string("alembic_exporter ") + core::build::version + " (" + core::build::revision +
         ")";
}

}  // namespace alembic_exporter::cli
