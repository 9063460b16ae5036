#include "collectors/sqlite/write_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

namespace alembic_exporter::sqlite {
namespace {

// sqlite3.c (os_unix.c): PENDING_BYTE is 0x40000000 and RESERVED_BYTE the byte after it; a WAL
// writer locks slot 0 of the shm locks, which start at byte 120 of the -shm file.
constexpr off_t reserved_byte = 0x40000001;
constexpr off_t wal_write_lock = 120;

std::optional<pid_t> holder(const std::string& file, off_t byte) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  probe.l_start = byte;
  probe.l_len = 1;
  const bool asked = ::fcntl(fd, F_GETLK, &probe) == 0;
  ::close(fd);
  if (!asked || probe.l_type == F_UNLCK) return std::nullopt;
  return probe.l_pid;
}

}  // namespace

std::optional<pid_t> write_lock_holder(const std::string& path) {
  if (auto pid = holder(path, reserved_byte)) return pid;
  return holder(path + "-shm", wal_write_lock);
}

std::string process_name(pid_t pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

}  // namespace alembic_exporter::sqlite
