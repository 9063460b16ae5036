#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace alembic_exporter::testing {

/// The inotify instances this process holds and the watches they carry, as the kernel shows
/// them in /proc/self/fd and /proc/self/fdinfo.
struct InotifyCensus {
  int instances = 0;
  int watches = 0;
};

inline InotifyCensus inotify_census() {
  InotifyCensus census;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    if (std::filesystem::read_symlink(entry.path(), error) != "anon_inode:inotify") continue;
    ++census.instances;
    std::ifstream info("/proc/self/fdinfo/" + entry.path().filename().string());
    for (std::string line; std::getline(info, line);) {
      if (line.starts_with("inotify wd:")) ++census.watches;
    }
  }
  return census;
}

}  // namespace alembic_exporter::testing
