#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace alembic_exporter::render {

/// Builds compact JSON text; commas are placed automatically. Misuse (a value where a key is
/// due) is a programming error and is not checked.
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(double number);
  JsonWriter& value(bool flag);
  JsonWriter& null();

  const std::string& text() const { return text_; }

 private:
  void before_value();

  std::string text_;
  /// One entry per open object/array: whether it already has a member.
  std::vector<bool> has_member_;
  bool after_key_ = false;
};

/// `text` as a JSON string literal (quotes included), control characters escaped.
std::string json_quoted(std::string_view text);

}  // namespace alembic_exporter::render
