#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alembic_exporter {

/// `%XX` sequences decoded; nullopt when one is malformed.
std::optional<std::string> percent_decode(std::string_view text);

/// `text` cut at every `separator` (an empty text gives one empty part).
std::vector<std::string_view> split(std::string_view text, char separator);

/// Replaces the password of the user info in `url` (between the first ':' after
/// `authority_begin` and the last '@') with `****`. Taking the last '@' of the whole text masks
/// too much when a later part holds one, never too little when the password itself holds an
/// unencoded '@', '/' or '?'.
void mask_user_info_password(std::string& url, std::size_t authority_begin);

}  // namespace alembic_exporter
