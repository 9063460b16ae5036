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

/// Which spellings of a boolean `MapReader::boolean()` accepts; quoted values never count.
enum class BooleanSpelling {
  /// `true`/`false` (also `True`, `TRUE`, `False`, `FALSE`): YAML 1.2's core schema.
  yaml_1_2,
  /// Also `y`/`yes`/`on` and `n`/`no`/`off`, in the same three cases: YAML 1.1, as Go's yaml.v2
  /// reads the files of Prometheus' exporter-toolkit.
  yaml_1_1,
};

/// A key of a format this program reads but does not implement, and what to do instead. Refused
/// rather than ignored: an operator who restricts ciphers must not silently get the defaults.
struct UnsupportedKey {
  std::string_view key;
  std::string_view instead;
};

/// Reads one YAML mapping strictly, since yaml-cpp has no strict mode: on construction it reports
/// keys outside `allowed` (with a did-you-mean), keys that are not strings and repeated keys. The
/// getters report values of the wrong type and return nullopt for them; a null value counts as
/// absent.
class MapReader {
 public:
  /// For a mapping whose keys are data (user names, ...) rather than settings.
  struct AnyKey {};

  /// `map` must be a mapping. A key of `unsupported` is reported as such, not as unknown.
  MapReader(const YAML::Node& map, std::span<const std::string_view> allowed, Problems& problems,
            std::span<const UnsupportedKey> unsupported = {});
  /// Every string key is allowed, each once.
  MapReader(const YAML::Node& map, AnyKey, Problems& problems);

  /// The mapping's own position (its first key).
  YAML::Mark mark() const { return map_.Mark(); }
  /// The value of `key`, nullopt when absent or null.
  std::optional<YAML::Node> node(std::string_view key) const;
  /// Reports `message` when `key` is absent or null; returns whether it is present.
  bool require(std::string_view key, std::string_view message);

  std::optional<Located> string(std::string_view key);
  std::optional<bool> boolean(std::string_view key,
                              BooleanSpelling spelling = BooleanSpelling::yaml_1_2);
  std::optional<long long> integer(std::string_view key);
  /// A duration (see parse_duration) that must be greater than zero.
  std::optional<std::chrono::milliseconds> duration(std::string_view key);
  std::optional<std::vector<Located>> strings(std::string_view key);
  /// The value when it is a mapping; reports any other type.
  std::optional<YAML::Node> mapping(std::string_view key);
  /// The accepted entries (string keys, allowed, each once) in file order, null values included.
  const std::vector<std::pair<YAML::Node, YAML::Node>>& entries() const { return entries_; }

 private:
  /// The value when it is a scalar; reports any other type as not `expected`.
  std::optional<YAML::Node> scalar(std::string_view key, std::string_view expected);

  /// Reads the keys; `allowed` is nullopt when any key is.
  void read_keys(std::optional<std::span<const std::string_view>> allowed,
                 std::span<const UnsupportedKey> unsupported);

  YAML::Node map_;
  std::map<std::string, YAML::Node, std::less<>> values_;
  std::vector<std::pair<YAML::Node, YAML::Node>> entries_;
  Problems& problems_;
};

}  // namespace alembic_exporter::config
