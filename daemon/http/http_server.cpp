#include "daemon/http/http_server.hpp"

#include <CivetServer.h>

#include <array>
#include <cassert>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "daemon/core/allocator_tuning.hpp"
#include "daemon/core/split_list.hpp"
#include "daemon/http/civetweb_ssl_loader.hpp"
#include "daemon/http/exposition_cache.hpp"
#include "daemon/http/gzip.hpp"
#include "daemon/http/listener_wakeup.hpp"
#include "daemon/http/process_metrics.hpp"
#include "daemon/render/landing_page.hpp"
#include "daemon/render/readiness.hpp"
#include "daemon/render/status_json.hpp"
#include "daemon/web/basic_auth.hpp"
#include "daemon/web/tls_context.hpp"
#include "daemon/web/web_settings.hpp"

namespace alembic_exporter::http {
namespace {

constexpr int ipv6_feature = 8;  // mg_check_feature bit: built with IPv6 support

/// One whole response whose body is `body` followed by `body_end`; `extra_headers` are complete
/// `Name: value\r\n` lines.
void send(mg_connection* connection, int status, std::string_view content_type,
          std::string_view body, std::string_view extra_headers = {},
          std::string_view body_end = {}) {
  // On the stack: a cached /metrics body goes out without any allocation of ours. Every caller
  // passes this file's constants, so the head stays far below the buffer's size.
  char head[512];
  const int length = std::snprintf(head, sizeof head,
                                   "HTTP/1.1 %d %s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n"
                                   "Cache-Control: no-store\r\n%.*s\r\n",
                                   status, mg_get_response_code_text(connection, status),
                                   static_cast<int>(content_type.size()), content_type.data(),
                                   body.size() + body_end.size(),
                                   static_cast<int>(extra_headers.size()), extra_headers.data());
  assert(length > 0 && static_cast<std::size_t>(length) < sizeof head);
  mg_write(connection, head, static_cast<std::size_t>(length));
  if (std::string_view(mg_get_request_info(connection)->request_method) != "HEAD") {
    mg_write(connection, body.data(), body.size());
    mg_write(connection, body_end.data(), body_end.size());
  }
}

constexpr std::string_view plain_text = "text/plain; charset=utf-8";

/// The `component` query parameter of `/ready` (`a,b`, URL-decoded); empty when absent.
std::vector<std::string> selected_components(const mg_connection* connection) {
  const char* query = mg_get_request_info(connection)->query_string;
  if (query == nullptr) return {};
  // A decoded value is never longer than the query it came from.
  const std::size_t query_length = std::strlen(query);
  std::string value(query_length + 1, '\0');
  const int length = mg_get_var(query, query_length, "component", value.data(), value.size());
  if (length <= 0) return {};
  value.resize(static_cast<std::size_t>(length));
  return core::split_list(value);
}

bool refuse_method(mg_connection* connection) {
  send(connection, 405, plain_text, "Method Not Allowed\n", "Allow: GET, HEAD\r\n");
  return true;
}

std::vector<ComponentStatus> statuses(const core::Snapshot& snapshot) {
  std::vector<ComponentStatus> result;
  result.reserve(snapshot.components.size());
  for (const auto& component : snapshot.components) result.push_back(component->status);
  return result;
}

}  // namespace

/// civetweb's user data: what its C callbacks need.
struct CivetContext {
  std::optional<web::TlsSettings> tls;
  std::string last_error;
};

namespace {

/// CivetServer gives civetweb itself as the user data; ours is the server's "user context".
CivetContext* context_of(void* civet_user_data) {
  if (civet_user_data == nullptr) return nullptr;
  const void* context = static_cast<const CivetServer*>(civet_user_data)->getUserContext();
  return static_cast<CivetContext*>(const_cast<void*>(context));
}

/// Keeps civetweb's first error line, so a failed start can say why.
int remember_log_message(const mg_connection* connection, const char* message) {
  CivetContext* context = context_of(mg_get_user_data(mg_get_context(connection)));
  if (context != nullptr && message != nullptr && context->last_error.empty()) {
    context->last_error = message;
  }
  return 1;
}

/// civetweb's init_ssl: 1 = configured by us, -1 = fail the start.
int init_tls(void* ssl_context, void* civet_user_data) {
  CivetContext* context = context_of(civet_user_data);
  if (const auto error = web::configure_tls(ssl_context, *context->tls)) {
    context->last_error = *error;
    return -1;
  }
  return 1;
}

}  // namespace

/// Routing by exact path; civetweb calls it from its worker threads.
class HttpRoutes final : public CivetHandler, public CivetAuthHandler {
 public:
  HttpRoutes(HttpSources sources, std::map<std::string, std::string> users)
      : sources_(std::move(sources)), users_(std::move(users)) {}

  bool handleGet(CivetServer*, mg_connection* connection) override {
    route(connection);
    return true;
  }
  bool handleHead(CivetServer*, mg_connection* connection) override {
    route(connection);
    return true;
  }
  // Every path is read-only: other methods are refused as such (civetweb would say 404).
  bool handlePost(CivetServer*, mg_connection* connection) override {
    return refuse_method(connection);
  }
  bool handlePut(CivetServer*, mg_connection* connection) override {
    return refuse_method(connection);
  }
  bool handleDelete(CivetServer*, mg_connection* connection) override {
    return refuse_method(connection);
  }
  bool handlePatch(CivetServer*, mg_connection* connection) override {
    return refuse_method(connection);
  }

  bool authorize(CivetServer*, mg_connection* connection) override {
    if (users_.empty()) return true;
    const char* header = mg_get_header(connection, "Authorization");
    if (header != nullptr && web::basic_auth_allows(users_, header)) return true;
    send(connection, 401, plain_text, "Unauthorized\n",
         "WWW-Authenticate: Basic realm=\"alembic_exporter\"\r\n");
    return false;
  }

 private:
  void route(mg_connection* connection) {
    const std::string_view path = mg_get_request_info(connection)->local_uri;
    if (path == "/metrics") {
      const char* accept = mg_get_header(connection, "Accept-Encoding");
      const bool gzip = accept != nullptr && accepts_gzip(accept);
      send_metrics(connection, gzip);
      return;  // a rendering's temporaries are given back by the cache, once per snapshot
    } else if (path == "/status") {
      send(connection, 200, "application/json",
           render::render_status_json(statuses(*sources_.snapshots->load())));
    } else if (path == "/") {
      send(connection, 200, "text/html; charset=utf-8",
           render::render_landing_page(*sources_.snapshots->load()));
    } else if (path == "/ready") {
      const render::ReadyResponse answer =
          render::readiness(*sources_.snapshots->load(), selected_components(connection));
      send(connection, answer.status, "application/json", answer.body);
    } else if (path == "/healthz") {
      const bool healthy = sources_.healthy();
      send(connection, healthy ? 200 : 503, plain_text, healthy ? "ok\n" : "event loop stalled\n");
      return;
    } else {
      send(connection, 404, plain_text, "Not Found\n");
      return;
    }
    // The page was built from the whole snapshot: with many components, megabytes of
    // temporaries just freed on this worker's arena.
    core::return_free_memory();
  }

  /// The cached exposition of the snapshot, then the process families read now: appended to
  /// the cached text, or closing the cached open gzip member, in buffers on the stack.
  void send_metrics(mg_connection* connection, bool gzip) {
    std::array<char, process_families_max_size> process_buffer;
    std::string_view process;
    if (const auto sample = process_.read()) {
      process = format_process_families(*sample, process_buffer);
    }
    constexpr std::string_view type = "text/plain; version=0.0.4; charset=utf-8";
    const auto snapshot = sources_.snapshots->load();
    if (!gzip) {
      send(connection, 200, type, *exposition_.text(snapshot), {}, process);
      return;
    }
    const auto member = exposition_.gzip(snapshot);
    std::array<char, gzip_close_size(process_families_max_size)> end_buffer;
    send(connection, 200, type, member->bytes,
         "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n",
         gzip_close(*member, process, end_buffer));
  }

  HttpSources sources_;
  std::map<std::string, std::string> users_;
  ExpositionCache exposition_;
  const ProcessMetrics process_;
};

namespace {

std::string listening_ports_option(const std::vector<std::string>& listen, bool tls) {
  std::string ports;
  for (const auto& address : listen) {
    if (address.starts_with('[') && mg_check_feature(ipv6_feature) == 0) {
      throw std::runtime_error("cannot listen on " + address +
                               ": this civetweb build has no IPv6 support");
    }
    ports += (ports.empty() ? "" : ",") + address + (tls ? "s" : "");
  }
  return ports;
}

/// `host` of each `host:port`.
std::vector<std::string> listen_hosts(const std::vector<std::string>& listen) {
  std::vector<std::string> hosts;
  for (const auto& address : listen) hosts.push_back(address.substr(0, address.rfind(':')));
  return hosts;
}

}  // namespace

HttpServer::HttpServer(const std::vector<std::string>& listen, HttpSources sources,
                       const web::WebSettings* web_settings)
    : hosts_(listen_hosts(listen)),
      context_(std::make_unique<CivetContext>()),
      routes_(std::make_unique<HttpRoutes>(
          std::move(sources), web_settings == nullptr ? std::map<std::string, std::string>{}
                                                      : web_settings->basic_auth_users)) {
  const bool tls = web_settings != nullptr && web_settings->tls.has_value();
  // A worker stays with a client that stalls mid-request until request_timeout_ms: with 4
  // workers and 10 s, 4 stalled connections held every scrape for 10 s (docs/RELIABILITY.md).
  // The head and the body are two writes: with Nagle's algorithm the body waited for the
  // client's delayed ACK of the head, 40 ms per gzip scrape (docs/BENCHMARKS.md), hence nodelay.
  const std::vector<std::string> options = {
      "listening_ports",    listening_ports_option(listen, tls),
      "num_threads",        "32",
      "request_timeout_ms", "5000",
      "max_request_size",   "16384",
      "enable_keep_alive",  "yes",
      "tcp_nodelay",        "1",
  };
  CivetCallbacks callbacks;
  callbacks.log_message = remember_log_message;
  if (tls) {
    load_civetweb_ssl_compat();
    context_->tls = web_settings->tls;
    callbacks.init_ssl = init_tls;
  }
  try {
    server_ = std::make_unique<CivetServer>(options, &callbacks, context_.get());
  } catch (const CivetException& error) {
    std::string addresses;
    for (const auto& address : listen) addresses += (addresses.empty() ? "" : ", ") + address;
    throw std::runtime_error("cannot listen on " + addresses + ": " +
                             (context_->last_error.empty() ? error.what() : context_->last_error));
  }
  server_->addHandler("/", *routes_);
  server_->addAuthHandler("/", *routes_);
}

HttpServer::~HttpServer() {
  if (!server_) return;
  std::vector<BoundListener> listeners;
  const auto ports = server_->getListeningPorts();
  for (std::size_t i = 0; i < ports.size() && i < hosts_.size(); ++i) {
    listeners.push_back({hosts_[i], ports[i]});
  }
  std::jthread waker([&listeners](std::stop_token stop) { wake_listeners_until(listeners, stop); });
  server_->close();
}

std::vector<int> HttpServer::ports() const { return server_->getListeningPorts(); }

}  // namespace alembic_exporter::http
