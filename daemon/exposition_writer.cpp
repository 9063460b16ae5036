#include "exposition_writer.hpp"

#include <charconv>
#include <cmath>

namespace alembic_exporter {

void ExpositionWriter::family(std::string_view name, std::string_view type, std::string_view help,
                              std::string_view help_more) {
  out_.append("# HELP ").append(name).append(" ").append(help).append(help_more);
  out_.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void ExpositionWriter::sample(std::string_view name, std::initializer_list<Label> labels,
                              double value) {
  out_.append(name);
  if (labels.size() != 0) {
    char separator = '{';
    for (const Label& label : labels) {
      out_.push_back(separator);
      out_.append(label.name).append("=\"");
      label_value(label.value);
      out_.push_back('"');
      separator = ',';
    }
    out_.push_back('}');
  }
  out_.push_back(' ');
  number(value);
  out_.push_back('\n');
}

void ExpositionWriter::label_value(std::string_view value) {
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out_.push_back('\\');
      out_.push_back(c);
    } else if (c == '\n') {
      out_.append("\\n");
    } else {
      out_.push_back(c);
    }
  }
}

void ExpositionWriter::number(double value) {
  if (std::isnan(value)) {
    out_.append("Nan");
  } else if (std::isinf(value)) {
    out_.append(value < 0 ? "-Inf" : "+Inf");
  } else {
    // 16 significant digits in the shorter of fixed and exponent notation, as printf's %.16g
    // (and an ostream with precision 16) writes them, independent of any locale.
    char digits[32];
    const auto written =
        std::to_chars(digits, digits + sizeof digits, value, std::chars_format::general, 16);
    out_.append(digits, written.ptr);
  }
}

}  // namespace alembic_exporter
