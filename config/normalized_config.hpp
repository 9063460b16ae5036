#pragma once

#include <string>

#include "config/validated_config.hpp"

namespace alembic_exporter::config {

/// The configuration as YAML with every default filled in, paths expanded and absolute, durations
/// normalized ("90s" becomes "1m30s") and passwords masked; validating it again gives the same
/// configuration (with masked passwords). This is what `check-config` prints.
std::string render_normalized(const ValidatedConfig& config);

}  // namespace alembic_exporter::config
