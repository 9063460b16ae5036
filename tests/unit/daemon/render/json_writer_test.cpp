#include "daemon/render/json_writer.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::render {

TEST_CASE("nested objects and arrays get commas in the right places") {
  JsonWriter json;
  json.begin_object().key("a").value(std::int64_t{1}).key("b").begin_array();
  json.value("x").null().value(true).begin_object().end_object().end_array();
  json.key("c").value(0.5).end_object();
  CHECK(json.text() == R"({"a":1,"b":["x",null,true,{}],"c":0.5})");
}

TEST_CASE("strings are escaped") {
  CHECK(json_quoted("a\"b\\c\nd\te\x01") == R"("a\"b\\c\nd\te\u0001")");
  CHECK(json_quoted("Zürich ✅") == "\"Zürich ✅\"");
}

TEST_CASE("non-finite numbers become null") {
  JsonWriter json;
  json.begin_array().value(1.0 / 0.0).end_array();
  CHECK(json.text() == "[null]");
}

}  // namespace alembic_exporter::render
