#include "collectors/shared_library.hpp"

#include <dlfcn.h>

namespace alembic_exporter {

SharedLibrary::SharedLibrary(const char* soname)
    : soname_(soname), handle_(dlopen(soname, RTLD_NOW | RTLD_LOCAL)) {
  if (handle_ == nullptr) fail("dlopen");
}

void* SharedLibrary::symbol(const char* name) {
  if (handle_ == nullptr) return nullptr;
  void* found = dlsym(handle_, name);
  if (found == nullptr) fail(name);
  return found;
}

void SharedLibrary::fail(const std::string& what) {
  const char* reason = dlerror();
  if (!error_.empty()) return;
  error_ = "cannot load " + soname_ + " (" + what +
           "): " + (reason != nullptr ? reason : "unknown error");
}

}  // namespace alembic_exporter
