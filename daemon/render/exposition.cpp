#include "daemon/render/exposition.hpp"

#include <prometheus/text_serializer.h>

#include <sstream>

#include "daemon/render/metric_families.hpp"

namespace alembic_exporter::render {

std::string exposition_text(const core::Snapshot& snapshot) {
  std::ostringstream out;
  // The stream's own locale, never the global one: a comma-decimal locale must not leak in.
  out.imbue(std::locale::classic());
  prometheus::TextSerializer().Serialize(out, metric_families(snapshot));
  return out.str();
}

}  // namespace alembic_exporter::render
