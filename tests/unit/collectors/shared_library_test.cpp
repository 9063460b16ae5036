#include "collectors/shared_library.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>

namespace alembic_exporter {
namespace {

using Strlen = std::size_t (*)(const char*);

TEST_CASE("a library that is not installed is an error naming it and what the loader said") {
  SharedLibrary library("libalembic-exporter-absent.so.0");
  CHECK(library.error() ==
        "cannot load libalembic-exporter-absent.so.0 (dlopen): libalembic-exporter-absent.so.0: "
        "cannot open shared object file: No such file or directory");
  // Double parentheses: doctest cannot print a function pointer.
  CHECK((library.resolve<Strlen>("strlen") == nullptr));
}

TEST_CASE("functions resolve from a loaded library; a missing one is an error naming both") {
  SharedLibrary library("libc.so.6");
  const auto found = library.resolve<Strlen>("strlen");
  REQUIRE((found != nullptr));
  CHECK(found("alembic") == 7);
  CHECK(library.error().empty());

  CHECK((library.resolve<Strlen>("alembic_exporter_no_such_function") == nullptr));
  CHECK(library.error().starts_with("cannot load libc.so.6 (alembic_exporter_no_such_function): "));
  CHECK(library.error().find("undefined symbol: alembic_exporter_no_such_function") !=
        std::string::npos);

  // The first failure is the one reported.
  library.resolve<Strlen>("another_missing_function");
  CHECK(library.error().find("(alembic_exporter_no_such_function)") != std::string::npos);
}

}  // namespace
}  // namespace alembic_exporter
