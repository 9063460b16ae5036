#include "exposition.hpp"

#include <prometheus/text_serializer.h>

#include <sstream>

#include "metric_families.hpp"

namespace alembic_exporter {

std::string exposition_text(const Snapshot& snapshot) {
  std::ostringstream out;
  // The stream's own locale, never the global one: a comma-decimal locale must not leak in.
  out.imbue(std::locale::classic());
  prometheus::TextSerializer().Serialize(out, metric_families(snapshot));
  return out.str();
}

}  // namespace alembic_exporter
