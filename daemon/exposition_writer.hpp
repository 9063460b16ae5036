#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace alembic_exporter {

struct Label {
  std::string_view name;
  std::string_view value;
};

/// Appends the Prometheus text exposition format 0.0.4 to a string, byte for byte what
/// prometheus-cpp 1.0's TextSerializer wrote (values as printf's `%.16g`, `Nan`, `+Inf`, `-Inf`;
/// `\`, `"` and newline escaped in label values), without a stream or intermediate metric
/// objects: the locale cannot leak in, and a scrape of many components stays cheap.
class ExpositionWriter {
 public:
  explicit ExpositionWriter(std::string& out) : out_(out) {}

  /// `# HELP` (the concatenation of `help` and `help_more`) and `# TYPE` lines.
  void family(std::string_view name, std::string_view type, std::string_view help,
              std::string_view help_more = {});
  /// One series line: `name{label="value",...} value`, without braces when there is no label.
  void sample(std::string_view name, std::initializer_list<Label> labels, double value);

 private:
  void label_value(std::string_view value);
  void number(double value);

  std::string& out_;
};

}  // namespace alembic_exporter
