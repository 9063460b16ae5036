#include "config/shard_setting.hpp"

#include <charconv>
#include <limits>

namespace alembic_exporter::config {
namespace {

std::optional<long long> whole_number(std::string_view text) {
  long long number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return number;
}

}  // namespace

std::optional<std::string> shard_problem(long long index, long long count) {
  if (count < 1 || count > std::numeric_limits<std::uint32_t>::max()) {
    return "shard count must be at least 1, not " + std::to_string(count);
  }
  if (index < 0 || index >= count) {
    return "shard index " + std::to_string(index) + " is not one of the " + std::to_string(count) +
           " shards (expected 0 to " + std::to_string(count - 1) + ")";
  }
  return std::nullopt;
}

std::variant<Shard, ParseError> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  const auto index = whole_number(text.substr(0, slash));
  const auto count =
      slash == std::string_view::npos ? std::nullopt : whole_number(text.substr(slash + 1));
  if (!index || !count) {
    return ParseError{"invalid shard '" + std::string(text) + "' (expected INDEX/COUNT, e.g. 0/2)"};
  }
  if (auto problem = shard_problem(*index, *count)) return ParseError{std::move(*problem)};
  return Shard{static_cast<std::uint32_t>(*index), static_cast<std::uint32_t>(*count)};
}

}  // namespace alembic_exporter::config
