#pragma once

#include <string>

#include "collectors/component_status.hpp"

namespace alembic_exporter::render {

/// What the report recommends; commands are shown verbatim.
struct StatusAdvice {
  std::string upgrade_command;  ///< e.g. `alembic -c alembic.ini upgrade heads`
  std::string merge_command;    ///< e.g. `alembic -c alembic.ini merge heads`
  std::string heads_command;    ///< e.g. `alembic -c alembic.ini heads`
  std::string settings_file;    ///< where the component's database settings live
};

struct TextOptions {
  bool glyphs = true;    ///< false with --plain or NO_COLOR: the headline loses its glyph
  bool verbose = false;  ///< list the pending revisions in apply order and the script warnings
};

/// The report block of docs/CONTRACT.md "Text" for one component, ending in a newline.
std::string render_status_text(const ComponentStatus& status, const StatusAdvice& advice,
                               const TextOptions& options);

}  // namespace alembic_exporter::render
