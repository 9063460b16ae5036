#include "collectors/alembic/revision_fields.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/alembic/joined.hpp"
#include "collectors/enum_table.hpp"

namespace alembic_exporter::alembic {
namespace {

using Binding = ModuleNamespace::Binding;
using Shape = StaticValue::Shape;

/// What a file without the name is.
enum class WhenMissing {
  not_a_revision,  ///< a helper module, not a migration
  error,           ///< Script.__init__ reads it unconditionally: AttributeError
  absent,          ///< the revision simply has none
};

/// What a value that is only known at import time makes of the revision.
enum class WhenDynamic {
  error,    ///< the graph cannot be known without it
  warning,  ///< its statically known part is used; the graph reports the rest
            ///< (ScriptFinding::Kind::dynamic_branch_labels, dynamic_depends_on)
};

/// The static values a name accepts.
enum class Accepts {
  string,   ///< a str only
  strings,  ///< anything to_tuple takes: a str, None, or a tuple/list/set of str
};

constexpr EnumTable<Accepts, std::string_view, 2> kExpected{{
    {Accepts::string, "a string"},
    {Accepts::strings, "a string, None, or a tuple/list of strings"},
}};

/// Stores an accepted value in the revision, or says why alembic would reject it.
using Store = std::optional<RevisionParseError> (*)(const Binding&, Revision&);

/// How one module-level name is read.
struct Field {
  std::string_view name;
  WhenMissing when_missing;
  /// For `WhenMissing::error`: how to fix it.
  std::string_view missing_hint = {};
  Accepts accepts;
  WhenDynamic when_dynamic;
  int Revision::Lines::*line;
  Store store;
  // For `WhenDynamic::warning`: where the warning goes, the list holding the statically known
  // part, and what the revision is read with.
  std::optional<Revision::ImportTimeValue> Revision::*at_import = nullptr;
  std::vector<std::string> Revision::*known = nullptr;
  std::string_view nothing_known = {};
  std::string_view known_part = {};
};

/// The first occurrence of each string, in order (alembic makes branch labels a set).
std::vector<std::string> unique(const std::vector<std::string>& strings) {
  std::vector<std::string> kept;
  for (const auto& text : strings) {
    if (std::find(kept.begin(), kept.end(), text) == kept.end()) kept.push_back(text);
  }
  return kept;
}

std::optional<RevisionParseError> store_revision(const Binding& binding, Revision& revision) {
  const std::string& id = binding.value.strings.front();
  if (id.empty()) {
    return RevisionParseError{binding.value_line(), binding.value_column(),
                              "revision: expected a non-empty string"};
  }
  // alembic's Revision.verify_rev_id rejects these characters (revision.py).
  std::string illegal;
  for (const char c : std::string_view("+-@")) {
    if (id.find(c) == std::string::npos) continue;
    if (!illegal.empty()) illegal += ", ";
    illegal += c;
  }
  if (!illegal.empty()) {
    return RevisionParseError{
        binding.value_line(), binding.value_column(),
        "revision: character(s) '" + illegal + "' not allowed in revision identifier '" + id + "'"};
  }
  revision.id = id;
  return std::nullopt;
}

std::optional<RevisionParseError> store_down_revision(const Binding& binding, Revision& revision) {
  const std::vector<std::string>& strings = binding.value.strings;
  // alembic >= 1.9 applies to_tuple first, so "" names a revision "" that does not exist
  // (1.8.1 took a lone "" for None: see docs/).
  if (std::find(strings.begin(), strings.end(), "") != strings.end()) {
    return RevisionParseError{binding.value_line(), binding.value_column(),
                              "down_revision: expected a non-empty string"};
  }
  revision.down_revisions = unique(strings);
  return std::nullopt;
}

std::optional<RevisionParseError> store_branch_labels(const Binding& binding, Revision& revision) {
  // to_tuple(branch_labels) then set(): an empty string is a label too, as in alembic.
  revision.branch_labels = unique(binding.value.strings);
  return std::nullopt;
}

/// Needs `down_revisions`: read after down_revision.
std::optional<RevisionParseError> store_depends_on(const Binding& binding, Revision& revision) {
  revision.depends_on = unique(binding.value.strings);
  // Revision.__init__ keeps tuple_rev_as_scalar(to_tuple(depends_on)) and RevisionMap
  // resolves it only when truthy: "", ("",) and () are no dependency at all.
  if (revision.depends_on.size() == 1 && revision.depends_on.front().empty()) {
    if (revision.down_revisions.empty()) {
      // ...yet Revision._is_real_base asks `dependencies is None`: "" is not, so a base
      // revision with it is no real base and RevisionMap raises DependencyCycleDetected.
      return RevisionParseError{binding.value_line(), binding.value_column(),
                                "depends_on: an empty string on a base revision makes alembic "
                                "fail (DependencyCycleDetected); write `depends_on = None`"};
    }
    revision.depends_on.clear();
  }
  if (binding.value.shape == Shape::unknown) std::erase(revision.depends_on, "");
  return std::nullopt;
}

/// The names in the order Script.__init__ reads them; later rows rely on earlier ones.
constexpr std::array kFields{
    Field{.name = "revision",
          .when_missing = WhenMissing::not_a_revision,
          .accepts = Accepts::string,
          .when_dynamic = WhenDynamic::error,
          .line = &Revision::Lines::revision,
          .store = store_revision},
    Field{.name = "down_revision",
          .when_missing = WhenMissing::error,
          .missing_hint = "write `down_revision = None` for a base revision",
          .accepts = Accepts::strings,
          .when_dynamic = WhenDynamic::error,
          .line = &Revision::Lines::down_revision,
          .store = store_down_revision},
    Field{.name = "branch_labels",
          .when_missing = WhenMissing::absent,
          .accepts = Accepts::strings,
          .when_dynamic = WhenDynamic::warning,
          .line = &Revision::Lines::branch_labels,
          .store = store_branch_labels,
          .at_import = &Revision::branch_labels_at_import,
          .known = &Revision::branch_labels,
          .nothing_known = "the revision is read without branch labels",
          .known_part = "only the labels "},
    Field{.name = "depends_on",
          .when_missing = WhenMissing::absent,
          .accepts = Accepts::strings,
          .when_dynamic = WhenDynamic::warning,
          .line = &Revision::Lines::depends_on,
          .store = store_depends_on,
          .at_import = &Revision::depends_on_at_import,
          .known = &Revision::depends_on,
          .nothing_known = "no dependency of it is known statically",
          .known_part = "only the dependencies "},
};

RevisionParseError wrong_value(const Binding& binding, std::string_view field,
                               std::string_view expected) {
  const StaticValue& value = binding.value;
  const std::string prefix = std::string(field) + ": expected " + std::string(expected);
  if (value.shape == Shape::unknown && value.why != StaticValue::Why::not_evaluable) {
    return {value.line, value.column,
            std::string(field) + ": only known at import time (" + explain(value) +
                "); the graph cannot be known without it"};
  }
  if (value.shape == Shape::unknown) {
    return {value.line, value.column, prefix + " (" + explain(value) + ")"};
  }
  return {binding.value_line(), binding.value_column(),
          prefix + " (found " + binding.value_text() + ")"};
}

Revision::ImportTimeValue at_import(const Field& field, const StaticValue& value,
                                    const Revision& revision) {
  const std::vector<std::string>& known = revision.*field.known;
  return {value.line, value.column,
          std::string(field.name) + " of revision " + revision.id +
              " is only known at import time (" + explain(value) + "); " +
              (known.empty()
                   ? std::string(field.nothing_known)
                   : std::string(field.known_part) + joined(known) + " are known statically")};
}

std::optional<RevisionParseError> read_field(const Field& field, const Binding& binding,
                                             Revision& revision) {
  const StaticValue& value = binding.value;
  const bool dynamic = value.shape == Shape::unknown;
  // Accepts::strings takes every static shape.
  const bool rejected = dynamic ? field.when_dynamic == WhenDynamic::error
                                : field.accepts == Accepts::string && value.shape != Shape::string;
  if (rejected) return wrong_value(binding, field.name, value_of(kExpected, field.accepts));
  revision.lines.*field.line = binding.target_line();
  if (auto error = field.store(binding, revision)) return error;
  if (dynamic) revision.*field.at_import = at_import(field, value, revision);
  return std::nullopt;
}

}  // namespace

RevisionFileParse revision_from_names(const ModuleNamespace& names, std::string message,
                                      std::string create_date) {
  Revision revision;
  const Binding* first = nullptr;  ///< the `revision` assignment: kFields starts with it
  for (const Field& field : kFields) {
    const Binding* binding = names.find(field.name);
    if (binding == nullptr) {
      if (field.when_missing == WhenMissing::not_a_revision) return NotARevision{};
      if (field.when_missing == WhenMissing::error) {
        return RevisionParseError{first->target_line(), first->target_column(),
                                  "revision '" + revision.id + "' has no module-level " +
                                      std::string(field.name) + " (" +
                                      std::string(field.missing_hint) + ")"};
      }
      continue;
    }
    if (first == nullptr) first = binding;
    if (auto error = read_field(field, *binding, revision)) return *error;
  }
  revision.message = std::move(message);
  revision.create_date = std::move(create_date);
  return revision;
}

}  // namespace alembic_exporter::alembic
