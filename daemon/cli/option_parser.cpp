#include "daemon/cli/option_parser.hpp"

#include <algorithm>

namespace alembic_exporter::cli {

std::optional<std::string> ParsedOptions::value(std::string_view long_name) const {
  const auto found = values_.find(std::string(long_name));
  if (found == values_.end()) return std::nullopt;
  return found->second.back();
}

std::vector<std::string> ParsedOptions::values(std::string_view long_name) const {
  const auto found = values_.find(std::string(long_name));
  return found == values_.end() ? std::vector<std::string>{} : found->second;
}

void ParsedOptions::set(std::string_view long_name, std::string value) {
  values_[std::string(long_name)].push_back(std::move(value));
}

std::variant<ParsedOptions, std::string> parse_options(std::span<const std::string_view> arguments,
                                                       std::span<const OptionSpec> specs) {
  ParsedOptions parsed;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string_view argument = arguments[i];
    std::optional<std::string_view> inline_value;
    if (argument.starts_with("--")) {
      if (const auto equals = argument.find('='); equals != std::string_view::npos) {
        inline_value = argument.substr(equals + 1);
        argument = argument.substr(0, equals);
      }
    }
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& candidate) {
      return argument == candidate.long_name ||
             (!candidate.short_name.empty() && argument == candidate.short_name);
    });
    if (spec == specs.end()) {
      return "unknown option '" + std::string(argument) + "'";
    }
    if (!spec->takes_value) {
      if (inline_value) return "option '" + std::string(argument) + "' takes no value";
      parsed.set(spec->long_name, "");
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= arguments.size()) {
        return "option '" + std::string(argument) + "' needs a value";
      }
      inline_value = arguments[++i];
    }
    parsed.set(spec->long_name, std::string(*inline_value));
  }
  return parsed;
}

}  // namespace alembic_exporter::cli
