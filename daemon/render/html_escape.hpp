#pragma once

#include <string>
#include <string_view>

namespace alembic_exporter::render {

/// Text safe to place in HTML element content and quoted attribute values.
std::string html_escape(std::string_view text);

}  // namespace alembic_exporter::render
