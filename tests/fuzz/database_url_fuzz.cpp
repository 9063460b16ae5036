#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "collectors/database_engine.hpp"
#include "collectors/mysql/mysql_url.hpp"
#include "collectors/postgres/database_url.hpp"
#include "collectors/sqlite/sqlite_url.hpp"

namespace postgres = alembic_exporter::postgres;
namespace mysql = alembic_exporter::mysql;

namespace {

// The only way to write a `Q` is through the password: no fuzzed part may contain one.
constexpr std::string_view secret = "QQsecretQQ";

bool could_spell_secret(std::string_view part) {
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] == 'Q' || part[i] == 'q') return true;
    // %51 and %71 decode to Q and q.
    if (part[i] == '%' && i + 2 < part.size() && (part[i + 1] == '5' || part[i + 1] == '7') &&
        part[i + 2] == '1') {
      return true;
    }
  }
  return false;
}

void check_hidden(std::string_view input, std::string_view output, const char* where) {
  if (output.find("QQ") == std::string_view::npos) return;
  std::fprintf(stderr, "password leaked into %s\ninput:  %.*s\noutput: %.*s\n", where,
               static_cast<int>(input.size()), input.data(), static_cast<int>(output.size()),
               output.data());
  std::abort();
}

void check_parse(const std::string& url) {
  const auto parsed = postgres::parse_database_url(url);
  if (const auto* database_url = std::get_if<postgres::DatabaseUrl>(&parsed)) {
    check_hidden(url, database_url->redacted(), "redacted()");
  } else {
    check_hidden(url, std::get<std::string>(parsed), "the error");
  }
  check_hidden(url, postgres::redact_database_url(url), "redact_database_url()");
}

void check_parse_mysql(const std::string& url) {
  const auto engine = alembic_exporter::database_engine(url);
  if (const auto* error = std::get_if<std::string>(&engine))
    check_hidden(url, *error, "the dialect error");
  const auto parsed = mysql::parse_mysql_url(url);
  if (const auto* mysql_url = std::get_if<mysql::MysqlUrl>(&parsed)) {
    check_hidden(url, mysql_url->redacted, "redacted");
    check_hidden(url, mysql::endpoint_of(*mysql_url), "endpoint_of()");
  } else {
    check_hidden(url, std::get<std::string>(parsed), "the error");
  }
}

}  // namespace

// The first byte picks a template that places the password where every form of database URL
// keeps it; the rest, split at the first NUL, fills the template's two gaps. Characters that would
// move the password out of its place (end the user info, open a quote, start a URL) are left out
// of the first gap. Template 3 parses the bytes as they are, only for crashes.
// Templates 4 and 5 are the MySQL/MariaDB forms of template 0.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto split = rest.find('\0');
  const std::string_view before = rest.substr(0, split);
  const std::string_view after = split == std::string_view::npos ? "" : rest.substr(split + 1);
  if (could_spell_secret(before) || could_spell_secret(after)) return 0;
  const auto has_any = [](std::string_view part, std::string_view characters) {
    return part.find_first_of(characters) != std::string_view::npos;
  };
  const std::string secret_text(secret);
  switch (data[0] % 6) {
    case 0:
      if (has_any(before, "/?#")) return 0;
      check_parse("postgresql://" + std::string(before) + ":" + secret_text + "@" +
                  std::string(after));
      break;
    case 1:
      if (has_any(before, "#")) return 0;
      check_parse("postgresql://u@h/db?" + std::string(before) + "&password=" + secret_text + "&" +
                  std::string(after));
      break;
    case 2:
      if (has_any(before, "'\\=:")) return 0;  // ':' could make it a URL, the password its port
      check_parse(std::string(before) + " password=" + secret_text + " " + std::string(after));
      break;
    case 4:
    case 5:
      if (has_any(before, "/?#")) return 0;
      check_parse_mysql((data[0] % 6 == 4 ? "mysql+pymysql://" : "mariadb://") +
                        std::string(before) + ":" + secret_text + "@" + std::string(after));
      break;
    default: {
      const std::string text(rest);
      alembic_exporter::database_engine(text);
      postgres::parse_database_url(text);
      postgres::redact_database_url(text);
      mysql::parse_mysql_url(text);
      alembic_exporter::sqlite::parse_sqlite_url(text);
    }
  }
  return 0;
}
