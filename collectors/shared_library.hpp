#pragma once

#include <string>

namespace alembic_exporter {

/// A client library opened with dlopen when it is first needed rather than named in DT_NEEDED,
/// so that a process which never uses it neither maps nor relocates it (docs/BENCHMARKS.md,
/// "Issue 21"). The handle is never closed: the functions resolved from it are called until the
/// process exits. Callers resolve every function they use into one table once.
class SharedLibrary {
 public:
  /// Opens `soname` (RTLD_NOW | RTLD_LOCAL); check error() before using anything resolved.
  explicit SharedLibrary(const char* soname);

  /// The function `name`, or nullptr (then error() says so).
  template <typename Function>
  Function resolve(const char* name) {
    return reinterpret_cast<Function>(symbol(name));
  }

  /// Empty while the library and every function resolved so far were found; otherwise the first
  /// failure, naming the library: `cannot load libX.so.N (what was missing): loader's message`.
  const std::string& error() const { return error_; }

 private:
  void* symbol(const char* name);
  void fail(const std::string& what);

  std::string soname_;
  void* handle_;
  std::string error_;
};

}  // namespace alembic_exporter
