#pragma once

#include <string>
#include <string_view>

namespace alembic_exporter::alembic {

/// `a, b, c` for messages.
template <typename Strings>
std::string joined(const Strings& items) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += ", ";
    text += std::string_view(item);
  }
  return text;
}

}  // namespace alembic_exporter::alembic
