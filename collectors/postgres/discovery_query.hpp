#pragma once

#include <string>

#include "collectors/target_lister.hpp"

namespace alembic_exporter::postgres {

/// One statement listing what `spec` discovers, in byte order: the name, the number of all
/// matches (`count(*) OVER ()`) and the connected database per row, at most `spec.max_targets + 1`
/// rows so an exceeded limit is seen without transferring the whole fleet. Databases: of
/// pg_database, the ones that are no template and allow connections. Schemas: of the connected
/// database, the ones holding a table named `version_table`. Patterns are literals
/// (standard_conforming_strings).
std::string discovery_query(const DiscoverySpec& spec, const std::string& version_table);

}  // namespace alembic_exporter::postgres
