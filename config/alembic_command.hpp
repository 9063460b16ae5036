#pragma once

#include <string>
#include <string_view>

namespace alembic_exporter::config {

/// The alembic CLI command an operator runs for `action` (`upgrade heads`, `merge heads`,
/// `heads`): `alembic -c <ini> <action>`, or `alembic <action>` without an ini (empty `ini`).
/// The default `upgrade_command`/`merge_command` and what `status` recommends.
std::string alembic_command(std::string_view ini, std::string_view action);

}  // namespace alembic_exporter::config
