// The least a libpq client does to read alembic's version table: PQconnectdb, one SELECT,
// PQfinish, nothing else linked but libpq. The peer that shows how much of `status` and of a
// discovered check is the connection itself (docs/BENCHMARKS.md).
//
// Usage: libpq_floor CONNINFO                  one read; prints the first revision
//        libpq_floor --every MS CONNINFO...    reads the databases in turn, one every MS
//                                              milliseconds, until killed

#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

bool read_version_table(const char* conninfo, bool print) {
  PGconn* connection = PQconnectdb(conninfo);
  bool read = PQstatus(connection) == CONNECTION_OK;
  if (read) {
    PGresult* result = PQexec(connection, "SELECT version_num FROM alembic_version");
    read = PQresultStatus(result) == PGRES_TUPLES_OK;
    if (read && print && PQntuples(result) > 0) std::puts(PQgetvalue(result, 0, 0));
    PQclear(result);
  }
  // Going round a fleet, a tenant without a version table is one of the states, not news.
  if (!read && print) std::fprintf(stderr, "libpq_floor: %s", PQerrorMessage(connection));
  PQfinish(connection);
  return read;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<const char*> conninfos(argv + 1, argv + argc);
  if (conninfos.size() >= 2 && std::string_view(conninfos[0]) == "--every") {
    const auto every = std::chrono::milliseconds(std::atol(conninfos[1]));
    conninfos.erase(conninfos.begin(), conninfos.begin() + 2);
    auto next = std::chrono::steady_clock::now();
    for (std::size_t i = 0; !conninfos.empty(); i = (i + 1) % conninfos.size()) {
      read_version_table(conninfos[i], false);
      next += every;
      std::this_thread::sleep_until(next);
    }
  }
  if (conninfos.size() != 1) {
    std::fprintf(stderr, "usage: libpq_floor CONNINFO | libpq_floor --every MS CONNINFO...\n");
    return 2;
  }
  return read_version_table(conninfos[0], true) ? 0 : 1;
}
