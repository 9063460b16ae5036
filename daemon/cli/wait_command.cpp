#include "daemon/cli/wait_command.hpp"

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <csignal>
#include <memory>
#include <vector>

#include "collectors/collector_factory.hpp"
#include "config/duration.hpp"
#include "daemon/cli/discovered_targets.hpp"
#include "daemon/cli/status_targets.hpp"
#include "daemon/cli/wait_progress.hpp"
#include "daemon/core/component_runner.hpp"
#include "daemon/core/exit_codes.hpp"
#include "daemon/core/split_list.hpp"
#include "daemon/render/status_text.hpp"

namespace alembic_exporter::cli {
namespace {

struct WaitSettings {
  std::vector<State> until{State::up_to_date};
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::chrono::milliseconds interval{std::chrono::seconds(2)};
  bool glyphs = true;
};

/// The checks, the deadline and the signals of one `wait`, on one io_context.
class Wait {
 public:
  Wait(asio::io_context& io, std::vector<StatusTarget> targets, WaitSettings settings,
       std::ostream& out, std::ostream& err, bool tty)
      : io_(io),
        targets_(std::move(targets)),
        settings_(std::move(settings)),
        out_(out),
        err_(err),
        tty_(tty),
        latest_(targets_.size()),
        deadline_(io),
        signals_(io, SIGINT, SIGTERM),
        started_(std::chrono::steady_clock::now()) {}

  int run(std::vector<std::unique_ptr<Collector>> collectors) {
    signals_.async_wait([this](const std::error_code& error, int number) {
      if (!error && !finished_) {
        clear_progress();
        err_ << "alembic_exporter wait: stopped by " << (number == SIGINT ? "SIGINT" : "SIGTERM")
             << '\n';
        stop(128 + number);
      }
    });
    deadline_.expires_after(settings_.timeout);
    deadline_.async_wait([this](const std::error_code& error) {
      if (!error && !finished_) timed_out();
    });
    for (std::size_t i = 0; i < collectors.size(); ++i) {
      runners_.push_back(std::make_unique<core::ComponentRunner>(
          io_, std::move(collectors[i]), settings_.interval,
          [this, i](ComponentStatus status) { on_result(i, std::move(status)); }));
    }
    for (auto& runner : runners_) runner->start();
    io_.run();
    return code_;
  }

 private:
  void on_result(std::size_t index, ComponentStatus status) {
    if (finished_) return;
    label_target(status, targets_[index].source);
    const ComponentStatus* before = latest_[index] ? &*latest_[index] : nullptr;
    if (worth_reporting(before, status)) {
      clear_progress();
      out_ << change_line(before, status) << std::endl;  // a deploy log shows it at once
    }
    latest_[index] = std::move(status);
    if (all_arrived(latest_, settings_.until)) {
      clear_progress();
      out_.flush();
      // Not from inside the runner's callback: stopping destroys the runners.
      finished_ = true;
      asio::post(io_, [this] { stop(core::to_int(core::ExitCode::ok)); });
      return;
    }
    show_progress();
  }

  void timed_out() {
    clear_progress();
    out_ << '\n';
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      out_ << (i == 0 ? "" : "\n");
      if (latest_[i]) {
        out_ << render::render_status_text(*latest_[i], targets_[i].advice,
                                           {settings_.glyphs, true});
      } else {
        out_ << targets_[i].source.name << ": no check finished\n";
      }
    }
    out_.flush();
    err_ << "alembic_exporter wait: timed out after " << config::format_duration(settings_.timeout)
         << '\n';
    stop(core::to_int(core::ExitCode::timed_out));
  }

  void stop(int code) {
    finished_ = true;
    code_ = code;
    runners_.clear();  // cancels checks in flight
    await_cancellations();
    deadline_.cancel();
    signals_.cancel();
    io_.stop();
  }

  void show_progress() {
    if (!tty_) return;
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started_);
    std::string line = progress_line(
        latest_, elapsed, std::chrono::duration_cast<std::chrono::seconds>(settings_.timeout));
    const std::size_t width = line.size();
    if (line.size() < progress_width_) line.append(progress_width_ - line.size(), ' ');
    out_ << '\r' << line << std::flush;
    progress_width_ = width;
  }

  void clear_progress() {
    if (progress_width_ == 0) return;
    out_ << '\r' << std::string(progress_width_, ' ') << '\r';
    progress_width_ = 0;
  }

  asio::io_context& io_;
  std::vector<StatusTarget> targets_;
  WaitSettings settings_;
  std::ostream& out_;
  std::ostream& err_;
  bool tty_;
  std::vector<std::optional<ComponentStatus>> latest_;
  std::vector<std::unique_ptr<core::ComponentRunner>> runners_;
  asio::steady_timer deadline_;
  asio::signal_set signals_;
  std::chrono::steady_clock::time_point started_;
  std::size_t progress_width_ = 0;
  bool finished_ = false;
  int code_ = core::to_int(core::ExitCode::software);
};

int usage_error(std::ostream& err, const std::string& message) {
  err << "alembic_exporter wait: " << message << "\nTry 'alembic_exporter wait --help'.\n";
  return core::to_int(core::ExitCode::usage);
}

/// The settings, or a usage error's message.
std::variant<WaitSettings, std::string> wait_settings(const ParsedOptions& options) {
  WaitSettings settings;
  for (const std::string_view name : {"--timeout", "--interval", "--check-timeout"}) {
    const auto text = options.value(name);
    if (!text) continue;
    const auto duration = config::parse_duration(*text);
    if (!duration || duration->count() == 0) {
      return std::string(name) + " takes a duration like 500ms, 5s or 10m, not '" + *text + "'";
    }
    if (name == "--timeout") settings.timeout = *duration;
    if (name == "--interval") settings.interval = *duration;
  }
  if (const auto until = options.value("--until")) {
    settings.until.clear();
    for (const auto& label : core::split_list(*until)) {
      const auto state = state_from_string(label);
      if (!state)
        return "unknown state '" + label + "' in --until (expected " + state_labels() + ")";
      settings.until.push_back(*state);
    }
    if (settings.until.empty()) return std::string("--until needs at least one state");
  }
  settings.glyphs = glyphs_wanted(options);
  return settings;
}

}  // namespace

int run_wait_command(std::span<const std::string_view> arguments, std::ostream& out,
                     std::ostream& err, bool tty) {
  auto parsed = parse_options(arguments, wait_option_specs());
  if (auto* error = std::get_if<std::string>(&parsed)) return usage_error(err, *error);
  auto& options = std::get<ParsedOptions>(parsed);
  auto settings = wait_settings(options);
  if (auto* error = std::get_if<std::string>(&settings)) return usage_error(err, *error);

  // `--timeout` is the whole wait here; each check's budget is `--check-timeout`.
  options.erase("--timeout");
  if (const auto budget = options.value("--check-timeout")) options.set("--timeout", *budget);
  auto selected = status_targets(options, std::filesystem::current_path());
  if (auto* error = std::get_if<TargetError>(&selected)) {
    if (error->code == core::ExitCode::usage) return usage_error(err, error->message);
    err << "alembic_exporter wait: " << error->message << '\n';
    return to_int(error->code);
  }
  asio::io_context io;
  auto expanded = expand_discovered(io, std::get<std::vector<StatusTarget>>(std::move(selected)));
  if (auto* error = std::get_if<std::string>(&expanded)) {
    err << "alembic_exporter wait: " << *error << '\n';
    return core::to_int(core::ExitCode::unreachable);
  }
  auto& targets = std::get<std::vector<StatusTarget>>(expanded);
  auto made = make_collectors(io, targets);
  if (auto* error = std::get_if<std::string>(&made)) {
    err << "alembic_exporter wait: " << *error << '\n';
    return core::to_int(core::ExitCode::config);
  }
  auto& collectors = std::get<std::vector<std::unique_ptr<Collector>>>(made);
  Wait wait(io, std::move(targets), std::get<WaitSettings>(std::move(settings)), out, err, tty);
  return wait.run(std::move(collectors));
}

}  // namespace alembic_exporter::cli
