#include "config/validate_discover.hpp"

#include <array>
#include <string>
#include <string_view>

#include "config/map_reader.hpp"

namespace alembic_exporter::config {
namespace {

constexpr std::array<std::string_view, 5> discover_keys{"databases", "schemas", "exclude",
                                                        "refresh", "max_targets"};
/// Far beyond what one replica checks (issue 18 measures 1 000); shard a larger fleet.
constexpr long long max_targets_limit = 100000;

}  // namespace

std::optional<DiscoverConfig> validate_discover(const YAML::Node& node, Problems& problems) {
  const std::size_t problems_before = problems.count();
  MapReader reader(node, discover_keys, problems);
  DiscoverConfig discover;
  const auto databases = reader.string("databases");
  const auto schemas = reader.string("schemas");
  if (databases && schemas) {
    problems.add(reader.mark(),
                 "'discover' sets both 'databases' and 'schemas' (expected one of them)");
  } else if (!reader.node("databases") && !reader.node("schemas")) {
    problems.add(reader.mark(), "'discover' needs 'databases' or 'schemas' (an SQL LIKE pattern)");
  }
  const auto pattern = databases ? databases : schemas;
  if (pattern && pattern->value.empty()) {
    problems.add(pattern->mark, std::string("'") + (databases ? "databases" : "schemas") +
                                    "' must not be empty (expected an SQL LIKE pattern such as "
                                    "'tenant_%')");
  } else if (pattern) {
    discover.pattern = pattern->value;
    discover.kind = databases ? DiscoverConfig::Kind::databases : DiscoverConfig::Kind::schemas;
  }
  for (const auto& exclude : reader.strings("exclude").value_or(std::vector<Located>{})) {
    if (exclude.value.empty()) {
      problems.add(exclude.mark, "an 'exclude' pattern must not be empty");
    } else {
      discover.exclude.push_back(exclude.value);
    }
  }
  discover.refresh = reader.duration("refresh").value_or(discover.refresh);
  if (const auto max_targets = reader.integer("max_targets")) {
    if (*max_targets < 1 || *max_targets > max_targets_limit) {
      problems.add(reader.node("max_targets")->Mark(), "'max_targets' must be from 1 to " +
                                                           std::to_string(max_targets_limit) +
                                                           ", not " + std::to_string(*max_targets));
    } else {
      discover.max_targets = static_cast<std::size_t>(*max_targets);
    }
  }
  if (problems.count() != problems_before) return std::nullopt;
  return discover;
}

}  // namespace alembic_exporter::config
