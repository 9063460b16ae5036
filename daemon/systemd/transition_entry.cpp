#include "daemon/systemd/transition_entry.hpp"

#include "collectors/enum_table.hpp"
#include "daemon/systemd/message_ids.hpp"

namespace alembic_exporter::systemd {
namespace {

/// How loud a transition into the state is, and its journald MESSAGE_ID.
struct StateEvent {
  LogLevel level = LogLevel::error;
  std::string_view message_id;
};

constexpr EnumTable<State, StateEvent, all_states.size()> state_events = {{
    {State::up_to_date, {LogLevel::info, message_ids::state_up_to_date}},
    {State::behind, {LogLevel::warning, message_ids::state_behind}},
    {State::diverged, {LogLevel::error, message_ids::state_diverged}},
    {State::no_revision, {LogLevel::warning, message_ids::state_no_revision}},
    {State::unknown_revision, {LogLevel::error, message_ids::state_unknown_revision}},
    {State::unreachable, {LogLevel::error, message_ids::state_unreachable}},
    {State::script_error, {LogLevel::error, message_ids::state_script_error}},
}};
static_assert(has_rows_for(state_events, all_states));

/// What the parenthesis after the new state says, or empty.
std::string explanation(const ComponentStatus& status) {
  switch (status.state) {
    case State::up_to_date:
      return {};
    case State::behind:
      return std::to_string(status.pending.value_or(0)) + " pending";
    case State::diverged:
      return std::to_string(status.heads.size()) + " heads, " +
             std::to_string(status.expected_heads) + " expected";
    case State::no_revision:
    case State::unknown_revision:
    case State::unreachable:
    case State::script_error:
      return status.detail.empty() ? status.reason : status.detail;
  }
  return {};
}

std::string revision_list(const std::vector<RevisionRef>& refs) {
  std::string list;
  for (const auto& ref : refs) list += (list.empty() ? "" : ",") + ref.revision;
  return list;
}

}  // namespace

LogEntry transition_entry(const core::Transition& transition) {
  const ComponentStatus& status = transition.now->status;
  const std::string state(to_string(status.state));
  LogEntry entry;
  entry.level = value_of(state_events, status.state).level;
  entry.component = target_key(status);
  entry.message_id = value_of(state_events, status.state).message_id;
  entry.message = (transition.previous ? std::string(to_string(*transition.previous)) + " → "
                                       : std::string("first check: ")) +
                  state;
  if (const std::string why = explanation(status); !why.empty()) {
    entry.message += " (" + why + ")";
  }
  entry.fields = {{"ALEMBIC_COMPONENT", status.component}, {"ALEMBIC_STATE", state}};
  if (!status.target_database.empty()) {
    entry.fields.emplace_back("ALEMBIC_DATABASE", status.target_database);
  }
  if (!status.target_schema.empty())
    entry.fields.emplace_back("ALEMBIC_SCHEMA", status.target_schema);
  if (transition.previous) {
    entry.fields.emplace_back("ALEMBIC_PREVIOUS_STATE", to_string(*transition.previous));
  }
  if (status.pending) entry.fields.emplace_back("ALEMBIC_PENDING", std::to_string(*status.pending));
  entry.fields.emplace_back("ALEMBIC_HEADS", revision_list(status.heads));
  if (status.database_read)
    entry.fields.emplace_back("ALEMBIC_CURRENT", revision_list(status.current));
  if (!status.reason.empty()) entry.fields.emplace_back("ALEMBIC_REASON", status.reason);
  return entry;
}

}  // namespace alembic_exporter::systemd
