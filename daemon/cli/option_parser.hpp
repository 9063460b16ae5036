#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace alembic_exporter::cli {

/// One option a subcommand accepts: `--long`, optional `-s`, and whether it takes a value.
struct OptionSpec {
  std::string_view long_name;
  std::string_view short_name;
  bool takes_value = true;
};

/// Parsed `--name value`, `--name=value`, `-s value` and flags; `value` is the last occurrence,
/// `values` every one in order (alembic's `-c` may be given twice).
class ParsedOptions {
 public:
  bool has(std::string_view long_name) const { return values_.contains(std::string(long_name)); }
  std::optional<std::string> value(std::string_view long_name) const;
  std::vector<std::string> values(std::string_view long_name) const;
  void set(std::string_view long_name, std::string value);
  void erase(std::string_view long_name) { values_.erase(std::string(long_name)); }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

/// Parses `arguments` (without the subcommand); the error names the offending argument.
std::variant<ParsedOptions, std::string> parse_options(std::span<const std::string_view> arguments,
                                                       std::span<const OptionSpec> specs);

}  // namespace alembic_exporter::cli
