#include "collectors/url_text.hpp"

#include <charconv>

namespace alembic_exporter {

std::optional<std::string> percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    const auto* first = text.data() + i + 1;
    if (std::from_chars(first, first + 2, value, 16).ptr != first + 2) return std::nullopt;
    decoded += static_cast<char>(value);
    i += 2;
  }
  return decoded;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t at = text.find(separator); at != std::string_view::npos;
       at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

void mask_user_info_password(std::string& url, std::size_t authority_begin) {
  const std::size_t at = url.rfind('@');
  if (at == std::string::npos || at <= authority_begin) return;
  const std::size_t colon = url.find(':', authority_begin);
  if (colon < at) url.replace(colon + 1, at - colon - 1, "****");
}

}  // namespace alembic_exporter
