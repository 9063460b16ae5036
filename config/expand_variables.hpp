#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "config/parse_error.hpp"

namespace alembic_exporter::config {

/// Replaces every `${NAME}` in `text` with the variable's value (an empty value is used as is).
/// A `$` not followed by `{` is kept. An unset variable, an empty name or a missing `}` is an
/// error naming the problem.
std::variant<std::string, ParseError> expand_variables(
    std::string_view text,
    const std::function<std::optional<std::string>(const std::string&)>& lookup);

}  // namespace alembic_exporter::config
