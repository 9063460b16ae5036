#include "config/map_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "config/did_you_mean.hpp"
#include "config/duration.hpp"

namespace alembic_exporter::config {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string unknown_key_message(std::string_view key, std::span<const std::string_view> allowed) {
  std::string message = "unknown key " + quoted(key);
  if (const auto suggestion = closest_match(key, allowed)) {
    return message + " (did you mean " + quoted(*suggestion) + "?)";
  }
  message += " (expected one of: ";
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    message += (i == 0 ? "" : ", ") + std::string(allowed[i]);
  }
  return message + ")";
}

bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

struct BooleanWord {
  std::string_view word;
  bool meaning;
  /// The strictest spelling that accepts it (yaml_1_1 accepts everything yaml_1_2 does).
  BooleanSpelling since;
};

constexpr auto yaml_1_1 = BooleanSpelling::yaml_1_1;
constexpr auto yaml_1_2 = BooleanSpelling::yaml_1_2;
constexpr BooleanWord boolean_words[] = {
    {"true", true, yaml_1_2},   {"True", true, yaml_1_2},   {"TRUE", true, yaml_1_2},
    {"false", false, yaml_1_2}, {"False", false, yaml_1_2}, {"FALSE", false, yaml_1_2},
    {"y", true, yaml_1_1},      {"Y", true, yaml_1_1},      {"yes", true, yaml_1_1},
    {"Yes", true, yaml_1_1},    {"YES", true, yaml_1_1},    {"on", true, yaml_1_1},
    {"On", true, yaml_1_1},     {"ON", true, yaml_1_1},     {"n", false, yaml_1_1},
    {"N", false, yaml_1_1},     {"no", false, yaml_1_1},    {"No", false, yaml_1_1},
    {"NO", false, yaml_1_1},    {"off", false, yaml_1_1},   {"Off", false, yaml_1_1},
    {"OFF", false, yaml_1_1},
};

}  // namespace

std::string_view describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

MapReader::MapReader(const YAML::Node& map, std::span<const std::string_view> allowed,
                     Problems& problems, std::span<const UnsupportedKey> unsupported)
    : map_(map), problems_(problems) {
  read_keys(allowed, unsupported);
}

MapReader::MapReader(const YAML::Node& map, AnyKey, Problems& problems)
    : map_(map), problems_(problems) {
  read_keys(std::nullopt, {});
}

void MapReader::read_keys(std::optional<std::span<const std::string_view>> allowed,
                          std::span<const UnsupportedKey> unsupported) {
  std::map<std::string, YAML::Mark, std::less<>> first_seen;
  for (const auto& entry : map_) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      problems_.add(key.Mark(), "keys must be strings, not " + std::string(describe(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    if (const auto first = first_seen.find(name); first != first_seen.end()) {
      problems_.add(key.Mark(), "duplicate key " + quoted(name) + " (first given on line " +
                                    std::to_string(first->second.line + 1) + ")");
      continue;
    }
    first_seen.emplace(name, key.Mark());
    const auto refused = std::find_if(unsupported.begin(), unsupported.end(),
                                      [&name](const auto& option) { return option.key == name; });
    if (refused != unsupported.end()) {
      problems_.add(key.Mark(), quoted(name) + " is not supported by alembic_exporter (" +
                                    std::string(refused->instead) + ")");
      continue;
    }
    if (allowed && std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
      problems_.add(key.Mark(), unknown_key_message(name, *allowed));
      continue;
    }
    entries_.emplace_back(key, entry.second);
    if (!entry.second.IsNull()) values_.emplace(name, entry.second);
  }
}

std::optional<YAML::Node> MapReader::node(std::string_view key) const {
  const auto found = values_.find(key);
  if (found == values_.end()) return std::nullopt;
  return found->second;
}

bool MapReader::require(std::string_view key, std::string_view message) {
  if (values_.contains(key)) return true;
  problems_.add(mark(), std::string(message));
  return false;
}

std::optional<YAML::Node> MapReader::scalar(std::string_view key, std::string_view expected) {
  auto value = node(key);
  if (!value) return std::nullopt;
  if (!value->IsScalar()) {
    problems_.add(value->Mark(), quoted(key) + " must be " + std::string(expected) + ", not " +
                                     std::string(describe(*value)));
    return std::nullopt;
  }
  return value;
}

std::optional<Located> MapReader::string(std::string_view key) {
  const auto value = scalar(key, "a string");
  if (!value) return std::nullopt;
  return Located{value->Scalar(), value->Mark()};
}

std::optional<bool> MapReader::boolean(std::string_view key, BooleanSpelling spelling) {
  constexpr std::string_view expected = "true or false";
  const auto value = scalar(key, expected);
  if (!value) return std::nullopt;
  if (!is_quoted(*value)) {
    const std::string& text = value->Scalar();
    for (const auto& [word, meaning, since] : boolean_words) {
      if (text == word && spelling >= since) return meaning;
    }
  }
  problems_.add(value->Mark(), quoted(key) + " must be " + std::string(expected) + ", not " +
                                   quoted(value->Scalar()));
  return std::nullopt;
}

std::optional<long long> MapReader::integer(std::string_view key) {
  const auto value = scalar(key, "an integer");
  if (!value) return std::nullopt;
  const std::string& text = value->Scalar();
  long long number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (is_quoted(*value) || error != std::errc{} || end != text.data() + text.size()) {
    problems_.add(value->Mark(), quoted(key) + " must be an integer, not " + quoted(text));
    return std::nullopt;
  }
  return number;
}

std::optional<std::chrono::milliseconds> MapReader::duration(std::string_view key) {
  const auto text = string(key);
  if (!text) return std::nullopt;
  const auto parsed = parse_duration(text->value);
  if (!parsed) {
    problems_.add(text->mark, "invalid duration " + quoted(text->value) + " for " + quoted(key) +
                                  " (expected e.g. 500ms, 30s, 5m, 1h or 1m30s)");
    return std::nullopt;
  }
  if (parsed->count() == 0) {
    problems_.add(text->mark, quoted(key) + " must be greater than 0");
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::vector<Located>> MapReader::strings(std::string_view key) {
  const auto value = node(key);
  if (!value) return std::nullopt;
  if (!value->IsSequence()) {
    problems_.add(value->Mark(),
                  quoted(key) + " must be a list of strings, not " + std::string(describe(*value)));
    return std::nullopt;
  }
  std::vector<Located> items;
  bool all_strings = true;
  for (const auto& item : *value) {
    if (item.IsScalar()) {
      items.push_back({item.Scalar(), item.Mark()});
    } else {
      problems_.add(item.Mark(),
                    quoted(key) + " items must be strings, not " + std::string(describe(item)));
      all_strings = false;
    }
  }
  if (!all_strings) return std::nullopt;
  return items;
}

std::optional<YAML::Node> MapReader::mapping(std::string_view key) {
  auto value = node(key);
  if (!value) return std::nullopt;
  if (!value->IsMap()) {
    problems_.add(value->Mark(),
                  quoted(key) + " must be a mapping, not " + std::string(describe(*value)));
    return std::nullopt;
  }
  return value;
}

}  // namespace alembic_exporter::config
