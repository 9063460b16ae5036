#include "daemon/render/landing_page.hpp"

#include "daemon/core/build_info.hpp"
#include "daemon/core/time_format.hpp"
#include "daemon/render/html_escape.hpp"

namespace alembic_exporter::render {
namespace {

std::string component_row(const core::ComponentSnapshot& component) {
  const ComponentStatus& status = component.status;
  const std::string pending = status.pending ? std::to_string(*status.pending) : "–";
  return "<tr><td>" + html_escape(target_key(status)) + "</td><td class=\"" +
         std::string(to_string(status.state)) + "\">" + std::string(to_string(status.state)) +
         "</td><td>" + pending + "</td><td>" + html_escape(status.detail) + "</td><td>" +
         core::format_rfc3339(status.checked_at) + "</td></tr>\n";
}

}  // namespace

std::string render_landing_page(const core::Snapshot& snapshot) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>alembic_exporter</title>\n<style>"
      "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
      ".up_to_date{color:#060}.behind,.no_revision{color:#960}"
      ".diverged,.unknown_revision,.unreachable,.script_error{color:#b00}"
      "</style></head>\n<body><h1>alembic_exporter</h1>\n<p>Version " +
      html_escape(core::build::version) + " (" + html_escape(core::build::revision) +
      ")</p>\n<p><a href=\"/metrics\">Metrics</a> · <a href=\"/status\">Status (JSON)</a> · "
      "<a href=\"/healthz\">Health</a></p>\n"
      "<table><tr><th>Component</th><th>State</th><th>Pending</th><th>Detail</th>"
      "<th>Last check</th></tr>\n";
  for (const auto& component : snapshot.components) page += component_row(*component);
  if (snapshot.components.empty()) {
    page += "<tr><td colspan=\"5\">No check has finished yet.</td></tr>\n";
  }
  return page + "</table>\n</body></html>\n";
}

}  // namespace alembic_exporter::render
