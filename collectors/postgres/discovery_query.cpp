#include "collectors/postgres/discovery_query.hpp"

#include "collectors/version_query.hpp"

namespace alembic_exporter::postgres {

std::string discovery_query(const DiscoverySpec& spec, const std::string& version_table) {
  const bool databases = spec.kind == DiscoverySpec::Kind::databases;
  // COLLATE "C": byte order, whatever the database's collation, so listings compare stably.
  const std::string name = databases ? "datname" : "n.nspname";
  std::string query = "SELECT " + name + ", count(*) OVER (), current_database() FROM ";
  if (databases) {
    query += "pg_catalog.pg_database WHERE NOT datistemplate AND datallowconn";
  } else {
    query +=
        "pg_catalog.pg_namespace n WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE "
        "c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname = " +
        quote_literal(version_table) + ")";
  }
  query += " AND " + name + " LIKE " + quote_literal(spec.pattern);
  for (const auto& exclude : spec.exclude) {
    query += " AND " + name + " NOT LIKE " + quote_literal(exclude);
  }
  return query + " ORDER BY " + name + " COLLATE \"C\" LIMIT " +
         std::to_string(spec.max_targets + 1);
}

}  // namespace alembic_exporter::postgres
