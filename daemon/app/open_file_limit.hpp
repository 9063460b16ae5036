#pragma once

namespace alembic_exporter::app {

/// Raises the soft limit of open files to the hard limit. Each component keeps a PostgreSQL
/// socket (and the duplicate Asio watches) and an inotify descriptor, so a few hundred
/// components outgrow the usual soft limit of 1024 while the hard limit (systemd: 524288) allows
/// far more. Failing to raise it is harmless: the soft limit stays.
void raise_open_file_limit();

}  // namespace alembic_exporter::app
