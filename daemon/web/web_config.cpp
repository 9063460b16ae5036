#include "daemon/web/web_config.hpp"

#include <algorithm>
#include <optional>

#include "config/environment.hpp"
#include "config/map_reader.hpp"
#include "config/problems.hpp"
#include "config/yaml_file.hpp"
#include "daemon/web/bcrypt.hpp"

namespace alembic_exporter::web {
namespace {

using config::MapReader;
using Keys = std::span<const std::string_view>;

constexpr std::string_view top_level_keys[] = {"tls_server_config", "basic_auth_users",
                                               "http_server_config"};
constexpr std::string_view tls_keys[] = {"cert_file",
                                         "key_file",
                                         "client_ca_file",
                                         "client_auth_type",
                                         "min_version",
                                         "max_version",
                                         "prefer_server_cipher_suites"};
constexpr std::string_view http_server_keys[] = {"http2"};

constexpr config::UnsupportedKey tls_unsupported[] = {
    {"cipher_suites", "OpenSSL's default cipher suites are used; remove it"},
    {"curve_preferences", "OpenSSL's default groups are used; remove it"},
    {"cert", "use cert_file"},
    {"key", "use key_file"},
    {"client_ca", "use client_ca_file"},
    {"client_allowed_sans", "issue client certificates from a dedicated CA instead"},
};
constexpr config::UnsupportedKey http_server_unsupported[] = {
    {"headers", "set response headers in a reverse proxy"},
};

// exporter-toolkit reads its file with Go's yaml.v2, which takes `yes`/`on`/... as booleans.
constexpr auto toolkit_booleans = config::BooleanSpelling::yaml_1_1;

/// "a, b or c".
std::string one_of(Keys keys) {
  std::string text;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == keys.size() ? " or " : ", ") + std::string(keys[i]);
  }
  return text;
}

bool verifies_client_certificates(std::string_view client_auth_type) {
  return client_auth_type == "VerifyClientCertIfGiven" ||
         client_auth_type == "RequireAndVerifyClientCert";
}

class Validator {
 public:
  Validator(std::string_view file_name, const std::filesystem::path& base_directory,
            const FileCheck& is_readable_file)
      : problems_(std::string(file_name)),
        base_(base_directory),
        is_readable_file_(is_readable_file) {}

  WebSettingsResult validate(const YAML::Node& root) {
    WebSettings settings;
    if (root.IsNull()) return settings;  // an empty file: plain HTTP, no authentication
    if (!root.IsMap()) {
      problems_.add(root.Mark(), "the web config must be a mapping of settings, not " +
                                     std::string(config::describe(root)));
      return problems_.take_sorted();
    }
    MapReader reader(root, top_level_keys, problems_);
    if (const auto tls = reader.mapping("tls_server_config")) settings.tls = tls_settings(*tls);
    if (const auto users = reader.mapping("basic_auth_users")) {
      settings.basic_auth_users = basic_auth_users(*users);
    }
    if (const auto http = reader.mapping("http_server_config")) http_server_config(*http);
    if (problems_.count() > 0) return problems_.take_sorted();
    return settings;
  }

 private:
  /// A name from `allowed` (or nullopt and a problem).
  std::optional<std::string> choice(MapReader& reader, std::string_view key, Keys allowed) {
    const auto value = reader.string(key);
    if (!value) return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), value->value) == allowed.end()) {
      problems_.add(value->mark, "invalid " + std::string(key) + " '" + value->value +
                                     "' (expected " + one_of(allowed) + ")");
      return std::nullopt;
    }
    return value->value;
  }

  /// The configured file, resolved against the web config's directory and checked to exist.
  std::optional<std::string> file(MapReader& reader, std::string_view key) {
    const auto value = reader.string(key);
    if (!value) return std::nullopt;
    if (value->value.empty()) {
      problems_.add(value->mark, "'" + std::string(key) + "' must not be empty");
      return std::nullopt;
    }
    const std::string path = (base_ / value->value).string();  // an absolute value replaces base_
    if (!is_readable_file_(path)) {
      problems_.add(value->mark,
                    std::string(key) + " file '" + path + "' does not exist or is not readable");
      return std::nullopt;
    }
    return path;
  }

  TlsSettings tls_settings(const YAML::Node& node) {
    MapReader reader(node, tls_keys, problems_, tls_unsupported);
    TlsSettings tls;
    reader.require("cert_file", "tls_server_config needs cert_file");
    reader.require("key_file", "tls_server_config needs key_file");
    if (auto cert = file(reader, "cert_file")) tls.cert_file = *cert;
    if (auto key = file(reader, "key_file")) tls.key_file = *key;
    if (auto ca = file(reader, "client_ca_file")) tls.client_ca_file = *ca;
    if (auto prefer = reader.boolean("prefer_server_cipher_suites", toolkit_booleans)) {
      tls.prefer_server_cipher_suites = *prefer;
    }
    client_auth(reader, tls);
    versions(reader, tls);
    return tls;
  }

  void client_auth(MapReader& reader, TlsSettings& tls) {
    if (auto type = reader.string("client_auth_type")) {
      if (type->value == "RequireClientCert") type->value = "RequireAnyClientCert";  // old name
      if (std::find(client_auth_types.begin(), client_auth_types.end(), type->value) ==
          client_auth_types.end()) {
        problems_.add(type->mark, "invalid client_auth_type '" + type->value + "' (expected " +
                                      one_of(client_auth_types) + ")");
        return;
      }
      tls.client_auth_type = type->value;
    }
    const auto ca = reader.node("client_ca_file");
    if (ca && tls.client_auth_type == "NoClientCert") {
      problems_.add(ca->Mark(),
                    "client_ca_file is set but client_auth_type is NoClientCert (expected "
                    "RequireAndVerifyClientCert or VerifyClientCertIfGiven)");
    }
    if (!ca && verifies_client_certificates(tls.client_auth_type)) {
      problems_.add(reader.node("client_auth_type")->Mark(),
                    "client_auth_type " + tls.client_auth_type + " needs client_ca_file");
    }
  }

  void versions(MapReader& reader, TlsSettings& tls) {
    if (auto min = choice(reader, "min_version", tls_versions)) tls.min_version = *min;
    if (auto max = choice(reader, "max_version", tls_versions)) tls.max_version = *max;
    // The names sort like the versions they stand for.
    if (tls.min_version > tls.max_version) {
      const auto at =
          reader.node("max_version") ? reader.node("max_version") : reader.node("min_version");
      problems_.add(at->Mark(), "min_version " + tls.min_version + " is newer than max_version " +
                                    tls.max_version);
    }
  }

  std::map<std::string, std::string> basic_auth_users(const YAML::Node& node) {
    const MapReader reader(node, MapReader::AnyKey{}, problems_);
    std::map<std::string, std::string> users;
    for (const auto& [name, hash] : reader.entries()) {
      const std::string& user = name.Scalar();
      if (user.empty() || user.find(':') != std::string::npos) {
        problems_.add(name.Mark(), "basic_auth_users: '" + user +
                                       "' is not a user name (expected a non-empty name "
                                       "without ':')");
      } else if (!hash.IsScalar() || !is_bcrypt_hash(hash.Scalar())) {
        // The value is left out: a hash is still a secret worth not spreading.
        problems_.add(hash.Mark(), "basic_auth_users: the password of '" + user +
                                       "' is not a bcrypt hash (expected $2a$, $2b$ or $2y$, as "
                                       "`htpasswd -nBC 10 " +
                                       user + "` prints)");
      } else {
        users.emplace(user, hash.Scalar());
      }
    }
    return users;
  }

  /// Only HTTP/1.1 is served; `http2` is accepted (clients fall back), `headers` is not.
  void http_server_config(const YAML::Node& node) {
    MapReader reader(node, http_server_keys, problems_, http_server_unsupported);
    reader.boolean("http2", toolkit_booleans);
  }

  config::Problems problems_;
  std::filesystem::path base_;
  const FileCheck& is_readable_file_;
};

}  // namespace

WebSettingsResult validate_web_settings(const YAML::Node& root, std::string_view file_name,
                                        const std::filesystem::path& base_directory,
                                        const FileCheck& is_readable_file) {
  return Validator(file_name, base_directory, is_readable_file).validate(root);
}

WebSettingsResult load_web_settings(const std::string& path) {
  config::Problems problems{path};
  const auto text = config::read_file_text("web config file", problems);
  const auto root = text ? config::parse_yaml(*text, problems) : std::nullopt;
  if (!root) return problems.take_sorted();
  const auto base = std::filesystem::absolute(std::filesystem::path(path)).parent_path();
  return validate_web_settings(*root, path, base, config::process_environment().is_readable_file);
}

}  // namespace alembic_exporter::web
