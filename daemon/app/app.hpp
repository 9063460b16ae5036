#pragma once

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "collectors/collector_factory.hpp"
#include "config/validated_config.hpp"
#include "daemon/app/discovered_fleet.hpp"
#include "daemon/core/component_runner.hpp"
#include "daemon/core/snapshot.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/systemd/logger.hpp"
#include "daemon/systemd/service_notifier.hpp"
#include "daemon/web/web_settings.hpp"

namespace alembic_exporter::app {

/// The `serve` daemon: owns the event loop, the components' runners, the snapshot the HTTP
/// threads read, signals (SIGHUP reload, SIGTERM/SIGINT stop) and systemd notification.
class App {
 public:
  /// Checks only the components of `config.shard` (see core::owned_part); `command_line_shard`
  /// (`serve --shard`) replaces the shard of every reloaded configuration.
  App(config::ValidatedConfig config, std::optional<web::WebSettings> web_settings,
      std::optional<config::Shard> command_line_shard, const systemd::Logger& logger);
  App(const App&) = delete;
  App& operator=(const App&) = delete;
  ~App();

  /// Serves until SIGTERM/SIGINT; throws when the HTTP server cannot listen.
  void run();

 private:
  struct Component {
    config::ComponentConfig config;
    std::unique_ptr<core::ComponentRunner> runner;
    /// `history_[config.name]`, kept here too: publish() runs after every check and must not
    /// look up every component by name (at 1 000 components every second that was a third of
    /// the daemon's CPU time).
    std::shared_ptr<const core::ComponentSnapshot> latest{};
    /// A discovering component's targets instead of `runner`.
    std::unique_ptr<DiscoveredFleet> fleet{};
    /// Its targets' `history_` entries by target key, and the component's own status (keyed by
    /// its name) while discovery fails.
    std::map<std::string, std::shared_ptr<const core::ComponentSnapshot>> targets{};
    /// Targets the last listing within the limit (or the last one beyond it) found.
    std::optional<std::size_t> discovered{};
  };

  void start_component(const config::ComponentConfig& component);
  void start_fleet(const config::ComponentConfig& component, ComponentSource source);
  /// A component whose collector or lister cannot be made, reported as a script error.
  void start_unusable(const config::ComponentConfig& component, const std::string& error);
  void on_listing(const std::string& name, const FleetChanges& changes, std::size_t matched);
  void forget(Component& component, const std::string& key);
  void on_result(ComponentStatus status);
  /// A new snapshot now, or once `publish_spacing` after the last one when that was recent: a
  /// fleet's stream of results rebuilds the snapshot of every target once per spacing, not after
  /// each check.
  void publish_soon();
  void publish();
  void on_signal(const std::error_code& error, int signal_number);
  void reload();
  /// Switches to a new valid configuration, restarting only components whose settings changed.
  void apply(config::ValidatedConfig next);
  void shutdown();
  void beat();
  void ping_watchdog();
  void first_round_finished(const std::string& name);
  void declare_ready();

  config::ValidatedConfig config_;
  std::optional<web::WebSettings> web_settings_;
  std::optional<config::Shard> command_line_shard_;
  const systemd::Logger& logger_;
  systemd::ServiceNotifier notifier_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer heartbeat_timer_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer ready_timer_;
  asio::steady_timer publish_timer_;
  bool publish_scheduled_ = false;
  std::chrono::steady_clock::time_point last_publish_{};
  /// A state changed since the last snapshot: the next one goes to systemd's STATUS= line.
  bool status_line_due_ = false;
  core::SnapshotStore store_;
  std::unique_ptr<http::HttpServer> http_;
  /// Kept across reloads: a reloaded component finds its script tree parsed and watched.
  CollectorFactory collectors_;
  std::vector<Component> components_;
  /// Last result per component name; kept across reloads so counters keep counting.
  std::map<std::string, std::shared_ptr<const core::ComponentSnapshot>> history_;
  std::set<std::string> awaiting_first_check_;
  bool ready_ = false;
  bool config_reload_successful_ = true;
  std::chrono::system_clock::time_point config_reload_success_time_;
  /// steady_clock ticks of the loop's last heartbeat; read by /healthz on HTTP threads.
  std::atomic<std::chrono::steady_clock::rep> last_beat_{0};
};

}  // namespace alembic_exporter::app
