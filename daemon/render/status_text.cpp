#include "daemon/render/status_text.hpp"

#include <string_view>
#include <vector>

#include "collectors/enum_table.hpp"
#include "daemon/core/migration_text.hpp"

namespace alembic_exporter::render {
namespace {

struct Headline {
  std::string_view glyph;
  std::string_view text;
};

constexpr EnumTable<State, Headline, all_states.size()> headlines = {{
    {State::up_to_date, {"✅", "Database Status: Up-to-date"}},
    {State::behind, {"⚠️", "Database Status: Behind"}},
    {State::diverged, {"🔀", "Database Status: Diverged"}},
    {State::no_revision, {"❓", "Database Status: No revision"}},
    {State::unknown_revision, {"❓", "Database Status: Unknown revision"}},
    {State::unreachable, {"❌", "Error: Cannot connect to database"}},
    {State::script_error, {"❌", "Error: Migration scripts cannot be read"}},
}};
static_assert(has_rows_for(headlines, all_states));

std::string with_message(const RevisionRef& ref) {
  return ref.message.empty() ? ref.revision : ref.revision + " (" + ref.message + ")";
}

/// `Head Revision: a (msg)`, `Head Revisions: a, b`, or `Head Revision: None`.
std::string revision_line(std::string_view label, const std::vector<RevisionRef>& refs) {
  std::string line(label);
  if (refs.size() == 1) return line + " Revision: " + with_message(refs.front()) + '\n';
  if (refs.empty()) return line + " Revision: None\n";
  line += " Revisions: ";
  for (std::size_t i = 0; i < refs.size(); ++i) {
    line += (i == 0 ? "" : ", ") + refs[i].revision;
  }
  return line + '\n';
}

std::string status_line(const ComponentStatus& status) {
  switch (status.state) {
    case State::up_to_date:
      return "Database schema is current. No migrations pending.";
    case State::behind: {
      const std::size_t pending = status.pending.value_or(0);
      return std::to_string(pending) + (pending == 1 ? " migration" : " migrations") + " pending.";
    }
    case State::diverged:
      return "Multiple migration heads detected.";
    case State::no_revision:
      return "Database not initialized.";
    case State::unknown_revision:
      return status.detail;
    case State::unreachable:
    case State::script_error:
      break;
  }
  return {};
}

std::string check_database(const ComponentStatus& status) {
  if (status.database_engine == "SQLite") {
    return "Check the SQLite file " + status.database_endpoint + " exists and is readable";
  }
  const std::string engine =
      status.database_engine.empty() ? std::string("PostgreSQL") : status.database_engine;
  return "Check " + engine + " is running on " + status.database_endpoint;
}

std::string recommendation(const ComponentStatus& status, const StatusAdvice& advice) {
  switch (status.state) {
    case State::up_to_date:
      return {};
    case State::behind:
      return "Recommended action:\nRun " + advice.upgrade_command +
             " to apply pending migrations.\n";
    case State::diverged:
      return "Recommended action:\nRun " + advice.merge_command + " to resolve diverged heads.\n";
    case State::no_revision:
      return "Recommended action:\nRun " + advice.upgrade_command +
             " for initial database setup.\n";
    case State::unknown_revision:
      return "Recommended action:\nCheck out the code that matches the database, or downgrade "
             "the database with the code that created it.\n";
    case State::unreachable:
      return "Recommended actions:\n1. " + check_database(status) +
             "\n2. Verify the database settings of component " + status.component + " in " +
             advice.settings_file + '\n';
    case State::script_error:
      return "Recommended action:\nFix the migration scripts, then run " + advice.heads_command +
             " to verify.\n";
  }
  return {};
}

/// Warnings never change the verdict above: one line says they exist, `--verbose` lists them.
std::string warnings_note(const ComponentStatus& status, const TextOptions& options) {
  const std::size_t count = status.script_warnings.size();
  if (count == 0) return {};
  std::string text = "Note: " + std::to_string(count) + (count == 1 ? " warning" : " warnings") +
                     " about the migration scripts (values only known when alembic imports "
                     "them); the status above does not depend on " +
                     (count == 1 ? "it" : "them") +
                     (options.verbose ? ":\n" : ". Run with --verbose to list them.\n");
  if (options.verbose) {
    for (const auto& warning : status.script_warnings) {
      text += "  " + format_problem(warning) + '\n';
    }
  }
  return text;
}

}  // namespace

std::string render_status_text(const ComponentStatus& status, const StatusAdvice& advice,
                               const TextOptions& options) {
  const Headline head = value_of(headlines, status.state);
  std::string text;
  if (options.glyphs) text.append(head.glyph).append(" ");
  text.append(head.text).append("\nComponent: ").append(target_key(status)).append("\n");
  if (status.state == State::unreachable || status.state == State::script_error) {
    text += "Details: " + status.detail + '\n';
  } else {
    text += revision_line("Current", status.current);
    text += revision_line("Head", status.heads);
    text += "Status: " + status_line(status) + '\n';
    if (status.migration) {
      text += "A migration is running " + core::describe_migration(*status.migration) + ".\n";
    }
    if (options.verbose && !status.pending_revisions.empty()) {
      text += "Pending Revisions:\n";
      for (const auto& ref : status.pending_revisions) text += "  " + with_message(ref) + '\n';
    }
  }
  text += warnings_note(status, options);
  const std::string advice_text = recommendation(status, advice);
  if (!advice_text.empty()) text += '\n' + advice_text;
  return text;
}

}  // namespace alembic_exporter::render
