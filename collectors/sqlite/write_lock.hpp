#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace alembic_exporter::sqlite {

/// The process holding SQLite's write lock on the database at `path`, found with F_GETLK the way
/// SQLite's unix VFS takes it: the RESERVED byte of the database file (rollback journal), or
/// WAL_WRITE_LOCK in the `-shm` file (WAL). nullopt when no other process writes. Must not run
/// while this process has the database open: closing the probe's descriptor drops every POSIX
/// lock the process holds on the file.
std::optional<pid_t> write_lock_holder(const std::string& path);

/// The name of process `pid` (/proc/PID/comm), or empty.
std::string process_name(pid_t pid);

}  // namespace alembic_exporter::sqlite
