#pragma once

#include <array>
#include <cstddef>
#include <utility>

namespace alembic_exporter {

/// One row per enumerator: its name, label or other value. Keeps an enum's names in one list that
/// can be checked for completeness, rather than in a switch per use.
template <typename Enum, typename Value, std::size_t N>
using EnumTable = std::array<std::pair<Enum, Value>, N>;

/// The value in `key`'s row; `fallback` when there is none.
template <typename Enum, typename Value, std::size_t N>
constexpr Value value_of(const EnumTable<Enum, Value, N>& table, Enum key, Value fallback = {}) {
  for (const auto& [enumerator, value] : table) {
    if (enumerator == key) return value;
  }
  return fallback;
}

/// Whether `table` has exactly the rows of `all`, in that order; for a static_assert beside a
/// table, so that a new enumerator without a row does not compile.
template <typename Enum, typename Value, std::size_t N>
constexpr bool has_rows_for(const EnumTable<Enum, Value, N>& table,
                            const std::array<Enum, N>& all) {
  for (std::size_t i = 0; i < N; ++i) {
    if (table[i].first != all[i]) return false;
  }
  return true;
}

}  // namespace alembic_exporter
