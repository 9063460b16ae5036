#include "exposition_writer.hpp"

#include <doctest/doctest.h>
#include <prometheus/text_serializer.h>

#include <limits>
#include <sstream>
#include <vector>

namespace alembic_exporter {
namespace {

// prometheus-cpp's TextSerializer, which wrote the exposition before ExpositionWriter did, is
// the oracle: the output must stay byte for byte what it was.

const std::vector<double> values = {
    0,
    1,
    -0.0,
    0.1,
    1.0 / 3,
    0.0125,
    1764000000.25,
    1e-7,
    1e21,
    1e16,
    123456789012345678.0,
    4294967296.0,
    -42.5,
    2.5e-310,
    std::numeric_limits<double>::quiet_NaN(),
    std::numeric_limits<double>::infinity(),
    -std::numeric_limits<double>::infinity(),
};

const std::vector<std::string> label_values = {
    "manager", "", "with \"quotes\"", "back\\slash", "new\nline", "ünïcode", "a,b=c}{",
};

std::string serialized(const prometheus::MetricFamily& family) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, {family});
  return out.str();
}

TEST_CASE("a gauge with one label per value is written as TextSerializer writes it") {
  prometheus::MetricFamily family{"alembic_x", "Help text.", prometheus::MetricType::Gauge, {}};
  std::string written;
  ExpositionWriter writer(written);
  writer.family("alembic_x", "gauge", "Help", " text.");
  for (const double value : values) {
    prometheus::ClientMetric metric;
    metric.label = {{"component", "manager"}};
    metric.gauge.value = value;
    family.metric.push_back(metric);
    writer.sample("alembic_x", {{"component", "manager"}}, value);
  }
  CHECK(written == serialized(family));
}

TEST_CASE("label values are escaped as TextSerializer escapes them") {
  prometheus::MetricFamily family{
      "alembic_y_total", "Counted.", prometheus::MetricType::Counter, {}};
  std::string written;
  ExpositionWriter writer(written);
  writer.family("alembic_y_total", "counter", "Counted.");
  for (const auto& value : label_values) {
    prometheus::ClientMetric metric;
    metric.label = {{"component", value}, {"reason", "timeout"}};
    metric.counter.value = 7;
    family.metric.push_back(metric);
    writer.sample("alembic_y_total", {{"component", value}, {"reason", "timeout"}}, 7);
  }
  CHECK(written == serialized(family));
  CHECK(written.find("component=\"new\\nline\"") != std::string::npos);
}

TEST_CASE("a series without labels has no braces") {
  prometheus::MetricFamily family{"alembic_z", "Z.", prometheus::MetricType::Gauge, {}};
  prometheus::ClientMetric metric;
  metric.gauge.value = 1763999990;
  family.metric.push_back(metric);
  std::string written;
  ExpositionWriter writer(written);
  writer.family("alembic_z", "gauge", "Z.");
  writer.sample("alembic_z", {}, 1763999990);
  CHECK(written == serialized(family));
  CHECK(written == "# HELP alembic_z Z.\n# TYPE alembic_z gauge\nalembic_z 1763999990\n");
}

}  // namespace
}  // namespace alembic_exporter
