#pragma once

namespace alembic_exporter::config {

/// [A-Za-z0-9_], independent of the locale (unlike std::isalnum).
constexpr bool is_word_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace alembic_exporter::config
