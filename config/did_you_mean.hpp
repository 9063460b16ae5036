#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace alembic_exporter::config {

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo
/// (at most 2 edits, or a third of the word for longer words).
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

}  // namespace alembic_exporter::config
