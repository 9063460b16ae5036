#include "daemon/app/app.hpp"

#include <csignal>
#include <cstdio>

#include "config/load_config.hpp"
#include "daemon/core/component_config.hpp"
#include "daemon/core/component_history.hpp"
#include "daemon/core/shard.hpp"
#include "daemon/systemd/message_ids.hpp"
#include "daemon/systemd/migration_entry.hpp"
#include "daemon/systemd/notify_status_line.hpp"
#include "daemon/systemd/target_entry.hpp"
#include "daemon/systemd/transition_entry.hpp"
#include "daemon/systemd/warnings_entry.hpp"

namespace alembic_exporter::app {
namespace {

constexpr auto heartbeat_period = std::chrono::seconds(1);
constexpr auto stalled_after = std::chrono::seconds(10);
/// READY=1 waits for the first round of checks, but never longer than the check budget + this.
constexpr auto ready_slack = std::chrono::seconds(1);
/// At 1 000 discovered targets (33 results per second at a 30 s interval) rebuilding the snapshot
/// after every result was a third of the daemon's CPU time; a scrape sees a result at most this
/// much later.
constexpr auto publish_spacing = std::chrono::seconds(1);

std::vector<std::string> listen_strings(const config::ValidatedConfig& config) {
  std::vector<std::string> addresses;
  for (const auto& address : config.listen) addresses.push_back(address.to_string());
  return addresses;
}

/// Lifecycle entries name the configuration file; the catalog's texts refer to it.
std::vector<std::pair<std::string, std::string>> config_file_field(const std::string& file) {
  return {{"ALEMBIC_CONFIG_FILE", file}};
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

App::App(config::ValidatedConfig config, std::optional<web::WebSettings> web_settings,
         std::optional<config::Shard> command_line_shard, const systemd::Logger& logger)
    : config_(core::owned_part(std::move(config))),
      web_settings_(std::move(web_settings)),
      command_line_shard_(command_line_shard),
      logger_(logger),
      signals_(io_, SIGINT, SIGTERM, SIGHUP),
      heartbeat_timer_(io_),
      watchdog_timer_(io_),
      ready_timer_(io_),
      publish_timer_(io_),
      collectors_(config_.max_connections),
      config_reload_success_time_(std::chrono::system_clock::now()) {}

App::~App() = default;

void App::run() {
  std::signal(SIGPIPE, SIG_IGN);
  signals_.async_wait(
      [this](const std::error_code& error, int number) { on_signal(error, number); });
  beat();
  ping_watchdog();
  publish();

  http::HttpSources sources{&store_, [this] {
                              const auto age =
                                  std::chrono::steady_clock::now().time_since_epoch() -
                                  std::chrono::steady_clock::duration(last_beat_.load());
                              return age < stalled_after;
                            }};
  http_ = std::make_unique<http::HttpServer>(listen_strings(config_), sources,
                                             web_settings_ ? &*web_settings_ : nullptr);
  std::vector<std::string> bound;
  const auto ports = http_->ports();
  for (std::size_t i = 0; i < config_.listen.size() && i < ports.size(); ++i) {
    auto address = config_.listen[i];
    address.port = static_cast<std::uint16_t>(ports[i]);
    bound.push_back(address.to_string());
  }
  systemd::LogEntry started{systemd::LogLevel::info,
                            {},
                            "listening on " + joined(bound) + " (" +
                                std::to_string(config_.components.size()) + " components, config " +
                                config_.file + ")",
                            systemd::message_ids::started,
                            config_file_field(config_.file)};
  logger_.write(started);

  for (const auto& component : config_.components) {
    awaiting_first_check_.insert(component.name);
    start_component(component);
  }
  ready_timer_.expires_after(config_.timeout + ready_slack);
  ready_timer_.async_wait([this](const std::error_code& error) {
    if (!error) declare_ready();
  });
  io_.run();
}

void App::start_component(const config::ComponentConfig& component) {
  auto source = core::to_component_source(component, config_.timeout);
  if (component.discover) {
    start_fleet(component, std::move(source));
    return;
  }
  auto made = collectors_.make(io_, source);
  if (auto* error = std::get_if<std::string>(&made)) {
    start_unusable(component, *error);
    return;
  }
  auto runner = std::make_unique<core::ComponentRunner>(
      io_, std::move(std::get<std::unique_ptr<Collector>>(made)), component.interval,
      [this](ComponentStatus status) { on_result(std::move(status)); });
  core::ComponentRunner& started = *runner;
  const auto history = history_.find(component.name);  // a component changed by a reload
  components_.push_back(
      {component, std::move(runner), history == history_.end() ? nullptr : history->second});
  started.start();
}

void App::start_unusable(const config::ComponentConfig& component, const std::string& error) {
  // The configuration was valid when loaded; a collector can still fail (an ini edited since):
  // report the component as a script error rather than dropping it silently.
  logger_.log(systemd::LogLevel::error, component.name, error);
  components_.push_back({component, nullptr, nullptr});
  on_result(core::unusable_status(component, error));
}

void App::start_fleet(const config::ComponentConfig& component, ComponentSource source) {
  auto lister = collectors_.make_lister(io_, source, core::discovery_spec(*component.discover));
  if (auto* error = std::get_if<std::string>(&lister)) {
    start_unusable(component, *error);
    return;
  }
  const std::string name = component.name;
  auto fleet = std::make_unique<DiscoveredFleet>(
      io_, component, std::move(source), std::move(std::get<std::unique_ptr<TargetLister>>(lister)),
      config_.shard,
      DiscoveredFleet::Hooks{
          .make_collector =
              [this](const ComponentSource& target) { return collectors_.make(io_, target); },
          .on_status = [this](ComponentStatus status) { on_result(std::move(status)); },
          .on_listing = [this, name](const FleetChanges& changes,
                                     std::size_t matched) { on_listing(name, changes, matched); },
      });
  DiscoveredFleet& started = *fleet;
  components_.push_back({component, nullptr, nullptr, std::move(fleet)});
  started.start();
}

void App::on_listing(const std::string& name, const FleetChanges& changes, std::size_t matched) {
  const auto component = std::find_if(components_.begin(), components_.end(),
                                      [&](const Component& c) { return c.config.name == name; });
  if (component == components_.end()) return;
  const bool first = !component->discovered.has_value();
  component->discovered = matched;
  if (matched <= component->config.discover->max_targets) forget(*component, name);
  for (const auto& target : changes.removed) {
    forget(*component, target_key(name, target.database, target.schema));
    logger_.write(systemd::target_entry(name, target.database, target.schema, false));
  }
  if (first) {
    logger_.log(systemd::LogLevel::info, name,
                "discovered " + std::to_string(changes.added.size()) + " targets");
  } else {
    for (const auto& target : changes.added) {
      logger_.write(systemd::target_entry(name, target.database, target.schema, true));
    }
  }
  publish();
  first_round_finished(name);
}

void App::forget(Component& component, const std::string& key) {
  component.targets.erase(key);
  history_.erase(key);
}

void App::on_result(ComponentStatus status) {
  const std::string name = status.component;
  const std::string key = target_key(status);
  const auto component = std::find_if(components_.begin(), components_.end(),
                                      [&](const Component& c) { return c.config.name == name; });
  if (component == components_.end()) return;  // removed by a reload while it was checked
  const auto previous = history_.find(key);
  core::HistoryStep step = core::record_check(
      previous == history_.end() ? nullptr : previous->second.get(), std::move(status),
      component->config.interval, component->config.ready_states);
  history_[key] = step.snapshot;
  if (component->config.discover) {
    component->targets[key] = step.snapshot;
  } else {
    component->latest = step.snapshot;
  }
  if (step.migration) {
    for (const auto& entry : systemd::migration_entries(key, *step.migration)) {
      logger_.write(entry);
    }
  }
  if (step.transition) logger_.write(systemd::transition_entry(*step.transition));
  if (step.warnings_changed) logger_.write(systemd::warnings_entry(step.snapshot->status));
  if (step.transition) status_line_due_ = true;
  publish_soon();
  // A discovering component's first round is its first listing, done or failed (a status of
  // the component itself).
  if (!component->config.discover || key == name) first_round_finished(name);
}

void App::publish_soon() {
  if (publish_scheduled_) return;  // that publication will include this result
  const auto due = last_publish_ + publish_spacing;
  if (std::chrono::steady_clock::now() >= due) {
    publish();
    return;
  }
  publish_scheduled_ = true;
  publish_timer_.expires_at(due);
  publish_timer_.async_wait([this](const std::error_code& error) {
    if (!error && publish_scheduled_) publish();
  });
}

void App::publish() {
  publish_scheduled_ = false;
  last_publish_ = std::chrono::steady_clock::now();
  auto snapshot = std::make_shared<core::Snapshot>();
  snapshot->components.reserve(components_.size());
  for (const auto& component : components_) {
    snapshot->configured.push_back(component.config.name);
    if (component.latest) snapshot->components.push_back(component.latest);
    for (const auto& [key, target] : component.targets) snapshot->components.push_back(target);
    if (component.discovered) {
      snapshot->discovered_targets.emplace_back(component.config.name, *component.discovered);
    }
  }
  snapshot->config_reload_successful = config_reload_successful_;
  snapshot->config_reload_success_time = config_reload_success_time_;
  snapshot->shard = config_.shard;
  store_.publish(std::move(snapshot));
  if (ready_ && status_line_due_) {
    notifier_.status_line(systemd::notify_status_line(*store_.load(), components_.size()));
  }
  status_line_due_ = false;
}

void App::first_round_finished(const std::string& name) {
  awaiting_first_check_.erase(name);
  if (awaiting_first_check_.empty()) declare_ready();
}

void App::declare_ready() {
  if (ready_) return;
  if (publish_scheduled_) publish();
  ready_ = true;
  ready_timer_.cancel();
  notifier_.ready(systemd::notify_status_line(*store_.load(), components_.size()));
}

void App::on_signal(const std::error_code& error, int signal_number) {
  if (error) return;
  if (signal_number == SIGHUP) {
    reload();
    signals_.async_wait(
        [this](const std::error_code& next_error, int number) { on_signal(next_error, number); });
    return;
  }
  shutdown();
}

void App::reload() {
  // Before READY=1 systemd still waits for the first round: no reload cycle to announce.
  if (ready_) notifier_.reloading();
  auto loaded = config::load_config(config_.file, config::process_environment());
  if (auto* problems = std::get_if<std::vector<config::ConfigProblem>>(&loaded)) {
    std::string message = "configuration rejected, keeping the previous one:";
    for (const auto& problem : *problems) message += ' ' + problem.to_string() + ';';
    message.pop_back();
    logger_.write({systemd::LogLevel::error,
                   {},
                   message,
                   systemd::message_ids::config_rejected,
                   config_file_field(config_.file)});
    config_reload_successful_ = false;
  } else {
    auto& next = std::get<config::ValidatedConfig>(loaded);
    if (command_line_shard_) next.shard = *command_line_shard_;
    apply(core::owned_part(std::move(next)));
    config_reload_successful_ = true;
    config_reload_success_time_ = std::chrono::system_clock::now();
    logger_.write({systemd::LogLevel::info,
                   {},
                   "configuration reloaded (" + std::to_string(components_.size()) + " components)",
                   systemd::message_ids::config_reloaded,
                   config_file_field(config_.file)});
  }
  publish();
  if (ready_) notifier_.ready(systemd::notify_status_line(*store_.load(), components_.size()));
}

void App::apply(config::ValidatedConfig next) {
  if (listen_strings(next) != listen_strings(config_) ||
      next.web_config_file != config_.web_config_file) {
    logger_.log(systemd::LogLevel::warning, {},
                "listen and web_config_file changes take effect at the next restart");
    next.listen = config_.listen;
    next.web_config_file = config_.web_config_file;
  }
  const bool timeout_changed = next.timeout != config_.timeout;
  // Another split of the fleet: every discovering component lists and picks its targets anew.
  const bool shard_changed = next.shard != config_.shard;
  config_ = std::move(next);
  collectors_.set_max_connections(config_.max_connections);
  std::vector<Component> previous = std::move(components_);
  components_.clear();
  for (const auto& wanted : config_.components) {
    const auto old = std::find_if(previous.begin(), previous.end(),
                                  [&](const Component& c) { return c.config.name == wanted.name; });
    const bool running = old != previous.end() && (old->runner || old->fleet);
    if (running && !timeout_changed && !(shard_changed && wanted.discover) &&
        old->config == wanted) {
      components_.push_back(std::move(*old));  // unaffected: keeps its schedule and connection
    } else {
      start_component(wanted);
    }
  }
  // What is left of `previous` was removed or changed: destroying it cancels its checks.
}

void App::shutdown() {
  notifier_.stopping();
  logger_.write({systemd::LogLevel::info,
                 {},
                 "stopping",
                 systemd::message_ids::stopping,
                 config_file_field(config_.file)});
  http_.reset();        // stop accepting first
  components_.clear();  // cancels in-flight checks and closes connections
  await_cancellations();
  signals_.cancel();
  heartbeat_timer_.cancel();
  watchdog_timer_.cancel();
  ready_timer_.cancel();
  publish_timer_.cancel();
  io_.stop();
}

void App::beat() {
  last_beat_.store(std::chrono::steady_clock::now().time_since_epoch().count());
  heartbeat_timer_.expires_after(heartbeat_period);
  heartbeat_timer_.async_wait([this](const std::error_code& error) {
    if (!error) beat();
  });
}

void App::ping_watchdog() {
  const auto interval = notifier_.watchdog_interval();
  if (!interval) return;
  notifier_.watchdog();
  watchdog_timer_.expires_after(*interval / 2);
  watchdog_timer_.async_wait([this](const std::error_code& error) {
    if (!error) ping_watchdog();
  });
}

}  // namespace alembic_exporter::app
