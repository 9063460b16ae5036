// Test driver for VersionTableReader: runs reads on one io_context and prints one JSON line per
// outcome. Usage:
//   version_reader_probe [--timeout-ms N] [--password-file PATH] [--table NAME] [--schema NAME]
//                        [--no-keepalive] [--backoff-ms N] [--cancel-after-ms N]
//                        [--concurrent N | --stdin] URL
// --concurrent N: N readers, one read each, all at once, then {"all_done":N,"elapsed_ms":T}.
// --stdin: one reader; one read per line read from stdin (kept alive between reads).
#include <asio.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/postgres/version_table_reader.hpp"

namespace {

using alembic_exporter::postgres::DatabaseUrl;
using alembic_exporter::postgres::ReaderSettings;
using alembic_exporter::postgres::ReadFailure;
using alembic_exporter::postgres::ReadOutcome;
using alembic_exporter::postgres::VersionTableReader;
using alembic_exporter::postgres::VersionTableRows;
using Clock = std::chrono::steady_clock;

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

long long milliseconds_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

void print_outcome(int reader, const ReadOutcome& outcome, Clock::time_point start) {
  std::string line = "{\"reader\":" + std::to_string(reader);
  if (const auto* rows = std::get_if<VersionTableRows>(&outcome)) {
    line += ",\"ok\":true,\"table_missing\":";
    line += rows->table_missing ? "true" : "false";
    line += ",\"revisions\":[";
    for (std::size_t i = 0; i < rows->revisions.size(); ++i) {
      line += (i > 0 ? "," : "") + json_string(rows->revisions[i]);
    }
    line += "]";
  } else {
    const auto& failure = std::get<ReadFailure>(outcome);
    line += ",\"ok\":false,\"reason\":" + json_string(to_string(failure.reason)) +
            ",\"detail\":" + json_string(failure.detail);
  }
  line += ",\"elapsed_ms\":" + std::to_string(milliseconds_since(start)) + "}";
  std::cout << line << std::endl;
}

struct Options {
  std::chrono::milliseconds timeout{5000};
  std::optional<std::string> password_file;
  std::string table = "alembic_version";
  std::optional<std::string> schema;
  bool keepalive = true;
  std::chrono::milliseconds backoff{1000};
  std::optional<std::chrono::milliseconds> cancel_after;
  int concurrent = 1;
  bool from_stdin = false;
  std::string url;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    const auto value = [&] {
      if (i + 1 >= argc)
        throw std::invalid_argument("missing value after " + std::string(argument));
      return std::string(argv[++i]);
    };
    if (argument == "--timeout-ms") {
      options.timeout = std::chrono::milliseconds(std::stoll(value()));
    } else if (argument == "--password-file") {
      options.password_file = value();
    } else if (argument == "--table") {
      options.table = value();
    } else if (argument == "--schema") {
      options.schema = value();
    } else if (argument == "--no-keepalive") {
      options.keepalive = false;
    } else if (argument == "--backoff-ms") {
      options.backoff = std::chrono::milliseconds(std::stoll(value()));
    } else if (argument == "--cancel-after-ms") {
      options.cancel_after = std::chrono::milliseconds(std::stoll(value()));
    } else if (argument == "--concurrent") {
      options.concurrent = std::stoi(value());
    } else if (argument == "--stdin") {
      options.from_stdin = true;
    } else if (options.url.empty() && !argument.starts_with("--")) {
      options.url = argument;
    } else {
      throw std::invalid_argument("unexpected argument " + std::string(argument));
    }
  }
  return options;
}

ReaderSettings settings_for(const Options& options, const DatabaseUrl& url) {
  return ReaderSettings{
      .url = url,
      .password_file = options.password_file,
      .version_table = options.table,
      .version_table_schema = options.schema,
      .timeout = options.timeout,
      .keepalive = options.keepalive,
      .reconnect_backoff_initial = options.backoff,
      .reconnect_backoff_max = options.backoff * 4,
  };
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // as the daemon does; PQcancel needs it
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "version_reader_probe: " << error.what() << "\n";
    return 64;
  }
  const auto parsed = alembic_exporter::postgres::parse_database_url(options.url);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    std::cout << "{\"url_error\":" << json_string(*error) << "}" << std::endl;
    return 2;
  }
  const auto& url = std::get<DatabaseUrl>(parsed);
  std::cout << "{\"url\":" << json_string(url.redacted()) << "}" << std::endl;

  asio::io_context io;
  if (options.from_stdin) {
    VersionTableReader reader(io, settings_for(options, url));
    for (std::string line; std::getline(std::cin, line);) {
      const auto start = Clock::now();
      reader.read([&](const ReadOutcome& outcome) { print_outcome(0, outcome, start); });
      io.restart();
      io.run();
    }
    return 0;
  }

  std::vector<std::unique_ptr<VersionTableReader>> readers;
  for (int i = 0; i < options.concurrent; ++i) {
    readers.push_back(std::make_unique<VersionTableReader>(io, settings_for(options, url)));
  }
  const auto start = Clock::now();
  asio::steady_timer cancel_timer(io);
  int done = 0;
  for (int i = 0; i < options.concurrent; ++i) {
    readers[static_cast<std::size_t>(i)]->read([&, i](const ReadOutcome& outcome) {
      print_outcome(i, outcome, start);
      if (++done == options.concurrent) cancel_timer.cancel();
    });
  }
  if (options.cancel_after) {
    cancel_timer.expires_after(*options.cancel_after);
    cancel_timer.async_wait([&](asio::error_code error) {
      if (!error) {
        for (auto& reader : readers) reader->cancel();
      }
    });
  }
  io.run();
  std::cout << "{\"all_done\":" << done << ",\"elapsed_ms\":" << milliseconds_since(start) << "}"
            << std::endl;
  return 0;
}
