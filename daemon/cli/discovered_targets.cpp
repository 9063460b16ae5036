#include "daemon/cli/discovered_targets.hpp"

#include <memory>

#include "collectors/collector_factory.hpp"

namespace alembic_exporter::cli {

std::variant<std::vector<StatusTarget>, std::string> expand_discovered(
    asio::io_context& io, std::vector<StatusTarget> targets) {
  CollectorFactory factory;
  std::vector<std::unique_ptr<TargetLister>> listers(targets.size());
  std::vector<ListOutcome> listings(targets.size(), TargetListing{});
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!targets[i].discover) continue;
    auto made = factory.make_lister(io, targets[i].source, *targets[i].discover);
    if (auto* error = std::get_if<std::string>(&made)) return *error;
    listers[i] = std::move(std::get<std::unique_ptr<TargetLister>>(made));
    listers[i]->list([&listings, i](ListOutcome outcome) { listings[i] = std::move(outcome); });
  }
  io.run();
  io.restart();
  std::vector<StatusTarget> expanded;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    StatusTarget& target = targets[i];
    if (!target.discover) {
      expanded.push_back(std::move(target));
      continue;
    }
    const std::string& name = target.source.name;
    if (const auto* failure = std::get_if<ReadFailure>(&listings[i])) {
      return name + ": cannot list the targets: " + failure->detail;
    }
    const auto& listing = std::get<TargetListing>(listings[i]);
    if (listing.matched > target.discover->max_targets) {
      return name + ": discovery found " + std::to_string(listing.matched) +
             " targets, more than max_targets " + std::to_string(target.discover->max_targets);
    }
    const bool schemas = target.discover->kind == DiscoverySpec::Kind::schemas;
    for (const auto& found : listing.names) {
      StatusTarget one = target;
      one.discover.reset();
      (schemas ? one.source.target_schema : one.source.target_database) = found;
      if (schemas) one.source.target_database = listing.database;
      expanded.push_back(std::move(one));
    }
  }
  return expanded;
}

void label_target(ComponentStatus& status, const ComponentSource& source) {
  status.target_database = source.target_database.value_or("");
  status.target_schema = source.target_schema.value_or("");
}

}  // namespace alembic_exporter::cli
