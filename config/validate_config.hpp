#pragma once

#include <yaml-cpp/yaml.h>

#include <string_view>
#include <variant>
#include <vector>

#include "config/config_problem.hpp"
#include "config/environment.hpp"
#include "config/validated_config.hpp"

namespace alembic_exporter::config {

/// A validated configuration, or every problem found (in file order, at least one).
using ConfigResult = std::variant<ValidatedConfig, std::vector<ConfigProblem>>;

/// Checks a parsed configuration file against the schema of config/README.md and fills in every
/// default. `file_name` names the file in problems and anchors relative paths; `environment`
/// expands `${NAME}` and answers whether configured paths exist. Secrets never appear in a
/// problem's message.
ConfigResult validate_config(const YAML::Node& root, std::string_view file_name,
                             const Environment& environment);

}  // namespace alembic_exporter::config
