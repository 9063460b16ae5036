#include "collectors/sqlite/sqlite_url.hpp"

#include "collectors/url_text.hpp"

namespace alembic_exporter::sqlite {

std::variant<SqliteUrl, std::string> parse_sqlite_url(std::string_view text) {
  const std::size_t scheme_end = text.find("://");
  const auto fail = [&](const std::string& what) {
    return "invalid database URL " + std::string(text) + ": " + what;
  };
  if (scheme_end == std::string_view::npos) {
    return fail("expected sqlite:///relative.db or sqlite:////absolute.db");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  const std::size_t query = rest.find('?');
  if (query != std::string_view::npos) {
    for (const auto pair : split(rest.substr(query + 1), '&')) {
      const auto key = pair.substr(0, pair.find('='));
      if (!pair.empty() && key != "timeout" && key != "check_same_thread") {
        return fail("unsupported query parameter \"" + std::string(key) +
                    "\" (expected none, or the driver's timeout or check_same_thread)");
      }
    }
    rest = rest.substr(0, query);
  }
  if (!rest.starts_with('/')) {
    return fail(
        "a SQLite URL has no host (expected sqlite:///relative.db or "
        "sqlite:////absolute.db)");
  }
  auto path = percent_decode(rest.substr(1));
  if (!path) return fail("invalid percent-encoding in the path");
  if (path->empty() || *path == ":memory:") {
    return fail("an in-memory database has no version table to read (expected a file)");
  }
  return SqliteUrl{std::move(*path)};
}

std::string resolve_path(const SqliteUrl& url, std::string_view base_directory) {
  if (url.path.starts_with('/') || base_directory.empty()) return url.path;
  std::string resolved(base_directory);
  if (!resolved.ends_with('/')) resolved += '/';
  return resolved + url.path;
}

}  // namespace alembic_exporter::sqlite
