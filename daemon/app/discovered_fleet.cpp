#include "daemon/app/discovered_fleet.hpp"

#include "daemon/core/check_stagger.hpp"
#include "daemon/core/component_config.hpp"
#include "daemon/core/shard.hpp"

namespace alembic_exporter::app {

DiscoveredFleet::DiscoveredFleet(asio::io_context& io, const config::ComponentConfig& component,
                                 ComponentSource source, std::unique_ptr<TargetLister> lister,
                                 config::Shard shard, Hooks hooks)
    : io_(io),
      component_(component),
      source_(std::move(source)),
      lister_(std::move(lister)),
      shard_(shard),
      hooks_(std::move(hooks)),
      refresh_timer_(io),
      round_timer_(io) {}

DiscoveredFleet::~DiscoveredFleet() {
  alive_.reset();
  refresh_timer_.cancel();
  round_timer_.cancel();
  lister_->cancel();
}

void DiscoveredFleet::start() { list(); }

std::vector<std::string> DiscoveredFleet::targets() const {
  std::vector<std::string> names;
  for (const auto& [name, target] : targets_) names.push_back(name);
  return names;
}

void DiscoveredFleet::list() {
  lister_->list([this, alive = std::weak_ptr<const bool>(alive_),
                 started = std::chrono::steady_clock::now()](ListOutcome outcome) {
    if (alive.expired()) return;
    listed(std::move(outcome), started);
    refresh_timer_.expires_after(component_.discover->refresh);
    refresh_timer_.async_wait([this, alive](const std::error_code& error) {
      if (!error && !alive.expired()) list();
    });
  });
}

void DiscoveredFleet::listed(ListOutcome outcome, std::chrono::steady_clock::time_point started) {
  ComponentStatus status;
  status.component = component_.name;
  status.expected_heads = static_cast<std::size_t>(component_.expected_heads);
  status.checked_at = std::chrono::system_clock::now();
  status.check_duration = std::chrono::steady_clock::now() - started;
  status.state = State::unreachable;
  if (const auto* failure = std::get_if<ReadFailure>(&outcome)) {
    status.reason = std::string(to_string(failure->reason));
    status.detail = "cannot list the targets: " + failure->detail;
    report(std::move(status));
    return;
  }
  const auto& listing = std::get<TargetListing>(outcome);
  const std::size_t limit = component_.discover->max_targets;
  if (listing.matched > limit) {
    status.reason = "too_many_targets";
    status.detail = "discovery found " + std::to_string(listing.matched) +
                    " targets, more than max_targets " + std::to_string(limit) + "; checking the " +
                    std::to_string(targets_.size()) + " of the last listing within the limit";
    report(std::move(status));
    hooks_.on_listing(FleetChanges{}, listing.matched);
    return;
  }
  if (schemas()) database_ = listing.database;
  std::vector<std::string> owned;
  for (const auto& name : listing.names) {
    if (core::owns(shard_, key_of(name))) owned.push_back(name);
  }
  const auto changes = core::diff_targets(targets(), owned);
  FleetChanges refs;
  for (const auto& name : changes.removed) {
    refs.removed.push_back(target_of(name));
    targets_.erase(name);
  }
  for (const auto& name : changes.added) {
    refs.added.push_back(target_of(name));
    start_target(name);
  }
  hooks_.on_listing(refs, listing.matched);
  if (schemas() && !rounds_started_) {
    rounds_started_ = true;
    run_round();
  }
}

void DiscoveredFleet::report(ComponentStatus status) { hooks_.on_status(std::move(status)); }

bool DiscoveredFleet::schemas() const {
  return component_.discover->kind == config::DiscoverConfig::Kind::schemas;
}

TargetRef DiscoveredFleet::target_of(const std::string& name) const {
  return schemas() ? TargetRef{database_, name} : TargetRef{name, {}};
}

std::string DiscoveredFleet::key_of(const std::string& name) const {
  const TargetRef target = target_of(name);
  return target_key(component_.name, target.database, target.schema);
}

ComponentStatus DiscoveredFleet::labelled(const std::string& name, ComponentStatus status) const {
  const TargetRef target = target_of(name);
  status.target_database = target.database;
  status.target_schema = target.schema;
  return status;
}

void DiscoveredFleet::start_target(const std::string& name) {
  ComponentSource source = source_;
  (schemas() ? source.target_schema : source.target_database) = name;
  auto made = hooks_.make_collector(source);
  if (auto* error = std::get_if<std::string>(&made)) {
    report(labelled(name, core::unusable_status(component_, *error)));
    targets_.emplace(name, Target{});  // listed: its status goes when it is no longer listed
    return;
  }
  if (schemas()) {
    targets_.emplace(name, Target{nullptr, std::move(std::get<std::unique_ptr<Collector>>(made))});
    return;
  }
  auto runner = std::make_unique<core::ComponentRunner>(
      io_, std::move(std::get<std::unique_ptr<Collector>>(made)), component_.interval,
      [this, name](ComponentStatus status) { report(labelled(name, std::move(status))); });
  runner->start(core::first_check_offset(key_of(name), component_.interval));
  targets_.emplace(name, Target{std::move(runner), nullptr});
}

void DiscoveredFleet::run_round() {
  for (auto& [name, target] : targets_) {
    if (!target.collector || target.busy) continue;
    target.busy = true;
    target.collector->check(
        [this, alive = std::weak_ptr<const bool>(alive_), name](ComponentStatus status) {
          if (alive.expired()) return;
          if (const auto found = targets_.find(name); found != targets_.end()) {
            found->second.busy = false;
          }
          report(labelled(name, std::move(status)));
        });
  }
  round_timer_.expires_after(component_.interval);
  round_timer_.async_wait(
      [this, alive = std::weak_ptr<const bool>(alive_)](const std::error_code& error) {
        if (!error && !alive.expired()) run_round();
      });
}

}  // namespace alembic_exporter::app
