#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/alembic/python_tokenizer.hpp"

namespace alembic_exporter::alembic {

/// What reading a module, without running it, can tell about the value of an expression.
///
/// The evaluated subset (issue 15): `None`; str literals (adjacent ones concatenated); tuples,
/// lists and sets of those, starred items included; names bound earlier at module level; `+` of
/// two strings, two tuples or two lists. Anything else is `unknown`: only running the module at
/// import time would tell.
struct StaticValue {
  enum class Shape { none, string, tuple, list, set, unknown };
  /// Why a value is unknown; `subject` and `line`/`column` say what and where.
  enum class Why {
    not_evaluable,      ///< an expression outside the subset, at its first offending token
    unbound,            ///< a name not assigned earlier in the file
    imported,           ///< a name bound by `import`
    star_imported,      ///< a name that a `from m import *` may bind
    defined,            ///< a name bound by `def` or `class`
    unpacked,           ///< a name bound by unpacking (`a, b = ...`), `for`, `as` or `:=`
    assigned_in_block,  ///< a name (re)bound inside `if`/`try`/`for`/`while`/`with`
    changed_in_place,   ///< a name whose value a statement may have changed (`x.append(...)`)
  };

  Shape shape = Shape::none;
  /// string: its value; tuple/list/set: the items in written order; unknown: the strings it
  /// certainly holds (its statically known part), possibly none.
  std::vector<std::string> strings;

  // Set for `unknown` only.
  Why why = Why::not_evaluable;
  /// The offending text: a token for `not_evaluable` (empty at the end of a statement), a name
  /// or dotted name otherwise.
  std::string subject;
  int line = 0;
  int column = 0;
  /// Of the import, block, unpacking or change that bound the name; 0 when not about a binding.
  int origin_line = 0;
  /// `try`, `if`, ... for `assigned_in_block`; `def`/`class` for `defined`.
  std::string keyword;
  /// The whole expression when the unknown name is only part of it (`migration.CONTRACT`).
  std::string expression;

  bool is_sequence() const {
    return shape == Shape::tuple || shape == Shape::list || shape == Shape::set;
  }
};

/// One reason, for people: "found `make_id`", "`CONTRACT` is imported at line 3", ...
std::string explain(const StaticValue& unknown);

/// The names of one module as executing its module-level statements in file order would bind
/// them, as far as reading can tell. Pure and allocation-light: statements are token spans.
class ModuleNamespace {
 public:
  /// Room for the names of a typical revision file: growing the vector moves every binding.
  ModuleNamespace() { names_.reserve(32); }

  /// Where a name was last bound, for findings about it. Its tokens view the module's source,
  /// which must outlive it.
  struct Binding {
    StaticValue value;
    Token target{TokenKind::endmarker, 0, {}, nullptr};
    /// First token of the assigned value (the target when there is none).
    Token value_start{TokenKind::endmarker, 0, {}, nullptr};

    int target_line() const { return target.line; }
    int value_line() const { return value_start.line; }
    // Columns and the text are found when a message asks for them: computed for every binding
    // they cost a cold parse about 10 % of its instructions (callgrind).
    int target_column() const { return target.column(); }
    int value_column() const { return value_start.column(); }
    /// How a message shows the value ("`None`", "end of statement", ...).
    std::string value_text() const;
  };

  /// Executes one simple statement, whose last token is the newline or `;` that ends it. `block` is
  /// empty at module level, otherwise the keyword of the compound statement around it (`if`, `try`,
  /// ...): whether that code runs is unknowable, so each name it binds becomes unknown, keeping
  /// only the strings it holds either way.
  void execute(std::span<const Token> statement, std::string_view block);

  /// Binds the names a compound statement's header binds (`for x in`, `with a as b`, `except E
  /// as e`, `def f`, `class C`), as unknown.
  void execute_header(std::span<const Token> header);

  /// The value an expression's tokens evaluate to in the current namespace; the last token ends
  /// the statement.
  StaticValue evaluate(std::span<const Token> expression) const;

  /// The binding of `name`, or nullptr when it is not bound (at all, or not any more: `del`).
  const Binding* find(std::string_view name) const;

  /// Line of the last module-level `from m import *`, 0 when none: a name not bound since may
  /// come from it.
  int star_import_line() const { return star_import_line_; }

 private:
  void bind(const Token& target, StaticValue value, const Token& value_start,
            std::string_view block);
  void bind_unknown(const Token& name, StaticValue::Why why, std::string_view keyword,
                    std::string_view block);
  void execute_import(std::span<const Token> statement, std::string_view block);
  void execute_assignment(std::span<const Token> statement, std::span<const Token> value,
                          std::string_view block);
  void execute_augmented(std::span<const Token> statement, std::string_view block);
  void mark_changed_in_place(const Token& name, std::string_view block);
  void bind_walrus_targets(std::span<const Token> tokens, std::string_view block);

  /// A module binds a few dozen names: searching a vector of names that view the source costs
  /// less than hashing them and allocating a string and a node per name, which a hash map did
  /// (8 % of a cold parse's instructions, callgrind).
  std::vector<std::pair<std::string_view, Binding>> names_;
  int star_import_line_ = 0;
};

}  // namespace alembic_exporter::alembic
