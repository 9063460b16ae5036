#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace alembic_exporter::core {

/// `a,b` → {a, b}, for list-valued options and query parameters; empty items are dropped.
std::vector<std::string> split_list(std::string_view text);

}  // namespace alembic_exporter::core
