#include "config/duration.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace alembic_exporter::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t milliseconds;
};

// Largest first: this is the order parse_duration requires and format_duration emits.
constexpr std::array<Unit, 4> units{{{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

// The unit `text` starts with; "ms" must win over "m".
std::optional<std::size_t> unit_at(std::string_view text) {
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (text.starts_with(units[i].suffix) &&
        (!found || units[i].suffix.size() > units[*found].suffix.size())) {
      found = i;
    }
  }
  return found;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // index of the smallest unit still allowed to follow
  while (!text.empty()) {
    std::uint64_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc{} || end == text.data()) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    const auto unit = unit_at(text);
    if (!unit || *unit < next_unit) return std::nullopt;
    const auto factor = static_cast<std::uint64_t>(units[*unit].milliseconds);
    if (number > static_cast<std::uint64_t>(max - total) / factor) return std::nullopt;
    total += static_cast<std::int64_t>(number * factor);
    text.remove_prefix(units[*unit].suffix.size());
    next_unit = *unit + 1;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  if (duration.count() == 0) return "0s";
  std::string text;
  std::int64_t rest = duration.count();
  for (const auto& unit : units) {
    if (rest >= unit.milliseconds) {
      text += std::to_string(rest / unit.milliseconds) + std::string(unit.suffix);
      rest %= unit.milliseconds;
    }
  }
  return text;
}

}  // namespace alembic_exporter::config
