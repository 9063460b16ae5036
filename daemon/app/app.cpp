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
#include "daemon/systemd/transition_entry.hpp"
#include "daemon/systemd/warnings_entry.hpp"

namespace alembic_exporter::app {
namespace {

constexpr auto heartbeat_period = std::chrono::seconds(1);
constexpr auto stalled_after = std::chrono::seconds(10);
/// READY=1 waits for the first round of checks, but never longer than the check budget + this.
constexpr auto ready_slack = std::chrono::seconds(1);

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
  auto made = collectors_.make(io_, core::to_component_source(component, config_.timeout));
  if (auto* error = std::get_if<std::string>(&made)) {
    // The configuration was valid when loaded; a collector can still fail (an ini edited
    // since): report the component as a script error rather than dropping it silently.
    logger_.log(systemd::LogLevel::error, component.name, *error);
    ComponentStatus status;
    status.component = component.name;
    status.state = State::script_error;
    status.reason = "script_error";
    status.detail = *error;
    status.expected_heads = static_cast<std::size_t>(component.expected_heads);
    status.checked_at = std::chrono::system_clock::now();
    components_.push_back({component, nullptr, nullptr});
    on_result(std::move(status));
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

void App::on_result(ComponentStatus status) {
  const std::string name = status.component;
  const auto component = std::find_if(components_.begin(), components_.end(),
                                      [&](const Component& c) { return c.config.name == name; });
  if (component == components_.end()) return;  // removed by a reload while it was checked
  const auto previous = history_.find(name);
  core::HistoryStep step = core::record_check(
      previous == history_.end() ? nullptr : previous->second.get(), std::move(status),
      component->config.interval, component->config.ready_states);
  history_[name] = step.snapshot;
  component->latest = step.snapshot;
  if (step.migration) {
    for (const auto& entry : systemd::migration_entries(name, *step.migration)) {
      logger_.write(entry);
    }
  }
  if (step.transition) logger_.write(systemd::transition_entry(*step.transition));
  if (step.warnings_changed) logger_.write(systemd::warnings_entry(step.snapshot->status));
  publish();
  if (ready_ && step.transition) {
    notifier_.status_line(systemd::notify_status_line(*store_.load(), components_.size()));
  }
  first_round_finished(name);
}

void App::publish() {
  auto snapshot = std::make_shared<core::Snapshot>();
  snapshot->components.reserve(components_.size());
  for (const auto& component : components_) {
    snapshot->configured.push_back(component.config.name);
    if (component.latest) snapshot->components.push_back(component.latest);
  }
  snapshot->config_reload_successful = config_reload_successful_;
  snapshot->config_reload_success_time = config_reload_success_time_;
  snapshot->shard = config_.shard;
  store_.publish(std::move(snapshot));
}

void App::first_round_finished(const std::string& name) {
  awaiting_first_check_.erase(name);
  if (awaiting_first_check_.empty()) declare_ready();
}

void App::declare_ready() {
  if (ready_) return;
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
  config_ = std::move(next);
  collectors_.set_max_connections(config_.max_connections);
  std::vector<Component> previous = std::move(components_);
  components_.clear();
  for (const auto& wanted : config_.components) {
    const auto old = std::find_if(previous.begin(), previous.end(),
                                  [&](const Component& c) { return c.config.name == wanted.name; });
    if (old != previous.end() && old->runner && !timeout_changed && old->config == wanted) {
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
