#pragma once

#include <string_view>

/// journald `MESSAGE_ID`s, one per event kind. systemd/alembic-exporter.catalog explains each one
/// (and lists the fields every entry carries); a test keeps the two lists equal, so an id added
/// here needs its catalog entry. Ids are fixed forever: dashboards and `journalctl MESSAGE_ID=`
/// filters depend on them.
namespace alembic_exporter::systemd::message_ids {

/// A component's state changed to the named state.
inline constexpr std::string_view state_up_to_date = "b595d2aadbd54e21920ad43fb88df204";
inline constexpr std::string_view state_behind = "51ef0b9812704107b807834e90d5f8a0";
inline constexpr std::string_view state_diverged = "a7e1d16ccf5c47d3b2eefabcdfe3ffe1";
inline constexpr std::string_view state_no_revision = "394375ff5d7c45dabe0738b5354f095b";
inline constexpr std::string_view state_unknown_revision = "7528522c88e64a7ca119d792c3646630";
inline constexpr std::string_view state_unreachable = "972e1c35adb744b1bc262574c5d7faf6";
inline constexpr std::string_view state_script_error = "347c89138f754387a22d1b21f2af7c12";

/// Another session started migrating a component's database (it holds the version table).
inline constexpr std::string_view migration_started = "bd05e5bde6dc4fac9e9350e1962cfb6e";
/// That session no longer holds the version table: its migration committed or rolled back.
inline constexpr std::string_view migration_ended = "da845d2ee09a4f288c57ab16bcc46f54";
/// The set of a component's script warnings (values only known at import time) changed.
inline constexpr std::string_view script_warnings_changed = "2758281980fa47818616c11faae0ceab";

/// A discovering component's listing found a new target (issue 18); its series appear with its
/// first check.
inline constexpr std::string_view target_appeared = "9d15d50e6ab5435498f2a70f9160928e";
/// A discovered target is no longer listed (dropped, renamed, excluded, or now another shard's):
/// its series are gone.
inline constexpr std::string_view target_disappeared = "35b81b7cb6414817a9c5575faf876605";

/// SIGHUP: the new configuration is valid and in use.
inline constexpr std::string_view config_reloaded = "76edd08467914bea8fb161e4d44af99b";
/// SIGHUP: the new configuration is invalid; the old one stays in use.
inline constexpr std::string_view config_rejected = "a5ed9854dfab4c41ba0986e42e38379c";
/// `serve` listens; its first round of checks starts (READY=1 follows when it has finished).
inline constexpr std::string_view started = "87b181b2cd77483599ec2e0a19a3e8d3";
/// SIGTERM/SIGINT received (STOPPING=1 sent).
inline constexpr std::string_view stopping = "70767632692e4cfa94dc3afa9569313c";

}  // namespace alembic_exporter::systemd::message_ids
