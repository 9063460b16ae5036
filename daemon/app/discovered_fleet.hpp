#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "collectors/collector.hpp"
#include "collectors/component_source.hpp"
#include "collectors/target_lister.hpp"
#include "config/validated_config.hpp"
#include "daemon/core/component_runner.hpp"
#include "daemon/core/target_diff.hpp"

namespace alembic_exporter::app {

/// One discovered target: its database, and its schema for schema discovery.
struct TargetRef {
  std::string database;
  std::string schema;
};

/// How this replica's targets changed with a listing.
struct FleetChanges {
  std::vector<TargetRef> added;
  std::vector<TargetRef> removed;
};

/// The targets of one discovering component (issue 18). Lists them at start and every `refresh`;
/// checks each target this replica owns (core::owns with the shard) and stops checking a target
/// no longer listed. A database target has a runner of its own, its first check
/// `first_check_offset` into the interval, so a fleet found at once spreads over the interval.
/// Schema targets share one database: they are checked in rounds, one per interval, whose reads
/// the collectors join into one statement (postgres::SchemaBatch). A listing that fails or finds
/// more than `max_targets` is reported as a status of the component itself (without a target); the
/// targets of the last good listing keep being checked meanwhile, and none is added from a listing
/// beyond the limit. Runs on the io_context's thread.
class DiscoveredFleet {
 public:
  struct Hooks {
    /// The collector of one target, or why there is none (a script error of the target).
    std::function<std::variant<std::unique_ptr<Collector>, std::string>(const ComponentSource&)>
        make_collector;
    /// A target's check finished, or a listing failed or was beyond the limit (a status of the
    /// component itself, `target_database` empty).
    std::function<void(ComponentStatus)> on_status;
    /// A listing within the limit: how this replica's targets changed, and how many the server
    /// had in all (before sharding).
    std::function<void(const FleetChanges&, std::size_t matched)> on_listing;
  };

  DiscoveredFleet(asio::io_context& io, const config::ComponentConfig& component,
                  ComponentSource source, std::unique_ptr<TargetLister> lister, config::Shard shard,
                  Hooks hooks);
  /// Stops: cancels the listing and every target's check.
  ~DiscoveredFleet();
  DiscoveredFleet(const DiscoveredFleet&) = delete;
  DiscoveredFleet& operator=(const DiscoveredFleet&) = delete;

  /// The first listing now.
  void start();
  /// The targets checked now, in byte order.
  std::vector<std::string> targets() const;

 private:
  void list();
  void listed(ListOutcome outcome, std::chrono::steady_clock::time_point started);
  void report(ComponentStatus status);
  void start_target(const std::string& name);
  /// Schema discovery: checks every target not still busy with the previous round.
  void run_round();
  bool schemas() const;
  /// The target a listed database or schema `name` is.
  TargetRef target_of(const std::string& name) const;
  std::string key_of(const std::string& name) const;
  /// `status` with the labels of the target a listed `name` is.
  ComponentStatus labelled(const std::string& name, ComponentStatus status) const;

  asio::io_context& io_;
  const config::ComponentConfig component_;
  const ComponentSource source_;
  std::unique_ptr<TargetLister> lister_;
  const config::Shard shard_;
  Hooks hooks_;
  asio::steady_timer refresh_timer_;
  /// A listed target: a database's runner, or a schema's collector and whether its check runs;
  /// neither for a target without a collector (its script error stands until it goes).
  struct Target {
    std::unique_ptr<core::ComponentRunner> runner;
    std::unique_ptr<Collector> collector;
    bool busy = false;
  };
  /// By database (schema discovery: by schema).
  std::map<std::string, Target> targets_;
  asio::steady_timer round_timer_;
  bool rounds_started_ = false;
  /// Schema discovery: the database the listing ran in.
  std::string database_;
  /// Expires with the fleet: callbacks that outlive it see it gone and do nothing.
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace alembic_exporter::app
