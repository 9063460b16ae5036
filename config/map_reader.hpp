#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/problems.hpp"

namespace alembic_exporter::config {

/// A scalar value with the place it was written, for problems found after reading it.
struct Located {
  std::string value;
  YAML::Mark mark;
};

/// "a string", "a list", "a mapping" or "null", for "must be X, not Y" messages.
std::string_view describe(const YAML::Node& node);

/// Reads one YAML mapping strictly, since yaml-cpp has no strict mode: on construction it reports
/// keys outside `allowed` (with a did-you-mean) and repeated keys. The getters report values of
/// the wrong type and return nullopt for them; a null value counts as absent.
class MapReader {
 public:
  /// `map` must be a mapping.
  MapReader(const YAML::Node& map, std::span<const std::string_view> allowed, Problems& problems);

  /// The mapping's own position (its first key).
  YAML::Mark mark() const { return map_.Mark(); }
  /// The value of `key`, nullopt when absent or null.
  std::optional<YAML::Node> node(std::string_view key) const;
  /// Reports `message` when `key` is absent or null; returns whether it is present.
  bool require(std::string_view key, std::string_view message);

  std::optional<Located> string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<long long> integer(std::string_view key);
  /// A duration (see parse_duration) that must be greater than zero.
  std::optional<std::chrono::milliseconds> duration(std::string_view key);
  std::optional<std::vector<Located>> strings(std::string_view key);
  /// The value when it is a mapping; reports any other type.
  std::optional<YAML::Node> mapping(std::string_view key);

 private:
  /// The value when it is a scalar; reports any other type as not `expected`.
  std::optional<YAML::Node> scalar(std::string_view key, std::string_view expected);

  YAML::Node map_;
  std::map<std::string, YAML::Node, std::less<>> values_;
  Problems& problems_;
};

}  // namespace alembic_exporter::config
