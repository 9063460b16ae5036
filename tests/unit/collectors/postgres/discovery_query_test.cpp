#include "collectors/postgres/discovery_query.hpp"

#include <doctest/doctest.h>

using alembic_exporter::DiscoverySpec;
using alembic_exporter::postgres::discovery_query;

TEST_CASE("database discovery: connectable non-templates, patterns as literals, one row more") {
  const DiscoverySpec spec{
      DiscoverySpec::Kind::databases, "tenant\\_%", {"tenant_test%", "o'x"}, 1000};
  CHECK(discovery_query(spec, "alembic_version") ==
        "SELECT datname, count(*) OVER (), current_database() FROM pg_catalog.pg_database WHERE "
        "NOT datistemplate "
        "AND datallowconn AND datname LIKE 'tenant\\_%' AND datname NOT LIKE 'tenant_test%' "
        "AND datname NOT LIKE 'o''x' ORDER BY datname COLLATE \"C\" LIMIT 1001");
}

TEST_CASE("schema discovery: schemas holding the version table") {
  const DiscoverySpec spec{DiscoverySpec::Kind::schemas, "tenant_%", {}, 5};
  CHECK(discovery_query(spec, "app_version") ==
        "SELECT n.nspname, count(*) OVER (), current_database() FROM pg_catalog.pg_namespace n "
        "WHERE EXISTS (SELECT "
        "1 FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', "
        "'v', 'm', 'f') AND c.relname = 'app_version') AND n.nspname LIKE 'tenant_%' ORDER BY "
        "n.nspname COLLATE \"C\" LIMIT 6");
}
