#include "daemon/web/web_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <tuple>

#include "daemon/web/bcrypt.hpp"

namespace alembic_exporter::web {
namespace {

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

/// An exporter-toolkit option this server does not implement, and what to do instead. Rejected
/// rather than ignored: an operator who restricts ciphers must not silently get the defaults.
struct Unsupported {
  std::string_view key;
  std::string_view instead;
};
using UnsupportedKeys = std::span<const Unsupported>;

constexpr Unsupported tls_unsupported[] = {
    {"cipher_suites", "OpenSSL's default cipher suites are used; remove it"},
    {"curve_preferences", "OpenSSL's default groups are used; remove it"},
    {"cert", "use cert_file"},
    {"key", "use key_file"},
    {"client_ca", "use client_ca_file"},
    {"client_allowed_sans", "issue client certificates from a dedicated CA instead"},
};
constexpr Unsupported http_server_unsupported[] = {
    {"headers", "set response headers in a reverse proxy"},
};

std::string join(Keys keys) {
  std::string joined;
  for (const auto key : keys) joined += (joined.empty() ? "" : ", ") + std::string(key);
  return joined;
}

const Unsupported* find_unsupported(UnsupportedKeys unsupported, std::string_view key) {
  const auto found = std::find_if(unsupported.begin(), unsupported.end(),
                                  [key](const Unsupported& option) { return option.key == key; });
  return found == unsupported.end() ? nullptr : &*found;
}

std::string_view describe(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "null";
  return "a scalar";
}

class Validator {
 public:
  Validator(std::string_view file_name, const std::filesystem::path& base_directory,
            const FileCheck& is_readable_file)
      : file_name_(file_name), base_(base_directory), is_readable_file_(is_readable_file) {}

  WebSettingsResult validate(const YAML::Node& root) {
    WebSettings settings;
    if (root.IsNull()) return settings;  // an empty file: plain HTTP, no authentication
    if (!root.IsMap()) {
      add(root.Mark(), "the web config must be a mapping, not " + std::string(describe(root)));
      return sorted_problems();
    }
    const auto keys = read_map(root, top_level_keys);
    if (const auto tls = section(keys, "tls_server_config")) settings.tls = tls_settings(*tls);
    if (const auto users = section(keys, "basic_auth_users")) {
      settings.basic_auth_users = basic_auth_users(*users);
    }
    if (const auto http = section(keys, "http_server_config")) http_server_config(*http);
    if (!problems_.empty()) return sorted_problems();
    return settings;
  }

 private:
  using Map = std::map<std::string, YAML::Node, std::less<>>;

  void add(const YAML::Mark& mark, std::string message) {
    std::string location(file_name_);
    if (!mark.is_null()) {
      location += ':' + std::to_string(mark.line + 1) + ':' + std::to_string(mark.column + 1);
    }
    problems_.push_back({mark.line, mark.column, location + ": " + message});
  }

  /// The problems in file order (a null mark, line -1, first).
  std::vector<std::string> sorted_problems() {
    std::stable_sort(problems_.begin(), problems_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::vector<std::string> lines;
    for (auto& problem : problems_) lines.push_back(std::move(problem.text));
    return lines;
  }

  /// The mapping's allowed keys with non-null values; reports every other key.
  Map read_map(const YAML::Node& map, Keys allowed, UnsupportedKeys unsupported = {}) {
    Map values;
    std::set<std::string> seen;
    for (const auto& pair : map) {
      const YAML::Node& key = pair.first;
      const std::string name = key.IsScalar() ? key.Scalar() : "";
      if (!seen.insert(name).second) {
        add(key.Mark(), "duplicate key '" + name + "'");
      } else if (const auto* option = find_unsupported(unsupported, name)) {
        add(key.Mark(), "'" + name + "' is not supported by alembic_exporter (" +
                            std::string(option->instead) + ")");
      } else if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        add(key.Mark(), "unknown key '" + name + "' (expected one of: " + join(allowed) + ")");
      } else if (!pair.second.IsNull()) {
        values.emplace(name, pair.second);
      }
    }
    return values;
  }

  std::optional<YAML::Node> section(const Map& keys, std::string_view key) {
    const auto found = keys.find(key);
    if (found == keys.end()) return std::nullopt;
    if (!found->second.IsMap()) {
      add(found->second.Mark(),
          std::string(key) + " must be a mapping, not " + std::string(describe(found->second)));
      return std::nullopt;
    }
    return found->second;
  }

  std::optional<std::string> string(const Map& keys, std::string_view key) {
    const auto found = keys.find(key);
    if (found == keys.end()) return std::nullopt;
    if (!found->second.IsScalar()) {
      add(found->second.Mark(),
          std::string(key) + " must be a string, not " + std::string(describe(found->second)));
      return std::nullopt;
    }
    return found->second.Scalar();
  }

  std::optional<bool> boolean(const Map& keys, std::string_view key) {
    const auto found = keys.find(key);
    if (found == keys.end()) return std::nullopt;
    bool value = false;
    if (!YAML::convert<bool>::decode(found->second, value)) {
      add(found->second.Mark(), std::string(key) + " must be true or false");
      return std::nullopt;
    }
    return value;
  }

  /// A name from `allowed` (or nullopt and a problem).
  std::optional<std::string> choice(const Map& keys, std::string_view key, Keys allowed) {
    auto value = string(keys, key);
    if (value && std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
      add(keys.find(key)->second.Mark(),
          std::string(key) + " '" + *value + "' is not one of " + join(allowed));
      return std::nullopt;
    }
    return value;
  }

  /// The configured file, resolved against the web config's directory and checked to exist.
  std::optional<std::string> file(const Map& keys, std::string_view key) {
    const auto value = string(keys, key);
    if (!value) return std::nullopt;
    const std::filesystem::path path = base_ / *value;  // an absolute value replaces base_
    if (value->empty() || !is_readable_file_(path)) {
      add(keys.find(key)->second.Mark(),
          std::string(key) + " '" + path.string() + "' is not a readable file");
      return std::nullopt;
    }
    return path.string();
  }

  TlsSettings tls_settings(const YAML::Node& node) {
    const auto keys = read_map(node, tls_keys, tls_unsupported);
    TlsSettings tls;
    for (const auto required : {"cert_file", "key_file"}) {
      if (!keys.contains(required)) {
        add(node.Mark(), "tls_server_config needs " + std::string(required));
      }
    }
    if (auto cert = file(keys, "cert_file")) tls.cert_file = *cert;
    if (auto key = file(keys, "key_file")) tls.key_file = *key;
    if (auto ca = file(keys, "client_ca_file")) tls.client_ca_file = *ca;
    if (auto prefer = boolean(keys, "prefer_server_cipher_suites")) {
      tls.prefer_server_cipher_suites = *prefer;
    }
    client_auth(keys, tls);
    versions(keys, tls);
    return tls;
  }

  void client_auth(const Map& keys, TlsSettings& tls) {
    if (auto type = string(keys, "client_auth_type")) {
      if (*type == "RequireClientCert")
        type = "RequireAnyClientCert";  // exporter-toolkit's old name
      if (std::find(client_auth_types.begin(), client_auth_types.end(), *type) ==
          client_auth_types.end()) {
        add(keys.at("client_auth_type").Mark(),
            "client_auth_type '" + *type + "' is not one of " + join(client_auth_types));
        return;
      }
      tls.client_auth_type = *type;
    }
    const bool has_ca = keys.contains("client_ca_file");
    if (has_ca && tls.client_auth_type == "NoClientCert") {
      add(keys.find("client_ca_file")->second.Mark(),
          "client_ca_file is set but client_auth_type is NoClientCert (expected "
          "RequireAndVerifyClientCert or VerifyClientCertIfGiven)");
    }
    const bool verifies = tls.client_auth_type == "VerifyClientCertIfGiven" ||
                          tls.client_auth_type == "RequireAndVerifyClientCert";
    if (verifies && !has_ca) {
      add(keys.at("client_auth_type").Mark(),
          "client_auth_type " + tls.client_auth_type + " needs client_ca_file");
    }
  }

  void versions(const Map& keys, TlsSettings& tls) {
    if (auto min = choice(keys, "min_version", tls_versions)) tls.min_version = *min;
    if (auto max = choice(keys, "max_version", tls_versions)) tls.max_version = *max;
    // The names sort like the versions they stand for.
    if (tls.min_version > tls.max_version) {
      add(keys.contains("max_version") ? keys.at("max_version").Mark()
                                       : keys.at("min_version").Mark(),
          "min_version " + tls.min_version + " is newer than max_version " + tls.max_version);
    }
  }

  std::map<std::string, std::string> basic_auth_users(const YAML::Node& node) {
    std::map<std::string, std::string> users;
    for (const auto& [name, hash] : read_all(node)) {
      const std::string user = name.Scalar();
      if (!name.IsScalar() || user.empty() || user.find(':') != std::string::npos) {
        add(name.Mark(), "basic_auth_users: '" + user +
                             "' is not a user name (expected a non-empty name without ':')");
      } else if (!hash.IsScalar() || !is_bcrypt_hash(hash.Scalar())) {
        // The value is left out: a hash is still a secret worth not spreading.
        add(hash.Mark(), "basic_auth_users: the password of '" + user +
                             "' is not a bcrypt hash (expected $2a$, $2b$ or $2y$, as "
                             "`htpasswd -nBC 10 " +
                             user + "` prints)");
      } else {
        users.emplace(user, hash.Scalar());
      }
    }
    return users;
  }

  /// The key/value pairs of a mapping with arbitrary keys; reports repeated keys.
  std::vector<std::pair<YAML::Node, YAML::Node>> read_all(const YAML::Node& map) {
    std::vector<std::pair<YAML::Node, YAML::Node>> pairs;
    std::set<std::string> seen;
    for (const auto& pair : map) {
      if (pair.first.IsScalar() && !seen.insert(pair.first.Scalar()).second) {
        add(pair.first.Mark(), "duplicate key '" + pair.first.Scalar() + "'");
      } else {
        pairs.emplace_back(pair.first, pair.second);
      }
    }
    return pairs;
  }

  /// Only HTTP/1.1 is served; `http2` is accepted (clients fall back), `headers` is not.
  void http_server_config(const YAML::Node& node) {
    const auto keys = read_map(node, http_server_keys, http_server_unsupported);
    boolean(keys, "http2");
  }

  std::string_view file_name_;
  std::filesystem::path base_;
  const FileCheck& is_readable_file_;
  struct Problem {
    int line;
    int column;
    std::string text;
  };
  std::vector<Problem> problems_;
};

bool readable_regular_file(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_regular_file(path, error) && std::ifstream(path).good();
}

}  // namespace

WebSettingsResult validate_web_settings(const YAML::Node& root, std::string_view file_name,
                                        const std::filesystem::path& base_directory,
                                        const FileCheck& is_readable_file) {
  return Validator(file_name, base_directory, is_readable_file).validate(root);
}

WebSettingsResult load_web_settings(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return std::vector<std::string>{path +
                                    ": cannot read the web config file: " + std::strerror(errno)};
  }
  std::ostringstream text;
  text << file.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::ParserException& error) {
    return std::vector<std::string>{path + ':' + std::to_string(error.mark.line + 1) + ':' +
                                    std::to_string(error.mark.column + 1) + ": " + error.msg};
  }
  const auto base = std::filesystem::absolute(std::filesystem::path(path)).parent_path();
  return validate_web_settings(root, path, base, readable_regular_file);
}

}  // namespace alembic_exporter::web
