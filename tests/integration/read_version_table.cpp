// Test peer: prints the rows of alembic_version, one per line, sorted; exit 1 on any failure.
#include <libpq-fe.h>

#include <cstdio>
#include <memory>

namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: read_version_table CONNINFO\n");
    return 2;
  }
  const std::unique_ptr<PGconn, ConnectionCloser> connection(PQconnectdb(argv[1]));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    std::fprintf(stderr, "connect: %s", PQerrorMessage(connection.get()));
    return 1;
  }
  const std::unique_ptr<PGresult, ResultClearer> result(
      PQexec(connection.get(), "SELECT version_num FROM alembic_version ORDER BY version_num"));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "query: %s", PQerrorMessage(connection.get()));
    return 1;
  }
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    std::printf("%s\n", PQgetvalue(result.get(), row, 0));
  }
  return 0;
}
