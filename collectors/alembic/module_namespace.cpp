#include "collectors/alembic/module_namespace.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <utility>

#include "collectors/alembic/python_string_literal.hpp"

namespace alembic_exporter::alembic {
namespace {

using Shape = StaticValue::Shape;
using Why = StaticValue::Why;

/// The entry of `name` in a namespace's names (const or not), or their end.
template <typename Names>
auto entry_named(Names& names, std::string_view name) {
  return std::find_if(names.begin(), names.end(),
                      [name](const auto& entry) { return entry.first == name; });
}

bool is_op(const Token& token, std::string_view text) {
  return token.kind == TokenKind::op && token.text == text;
}

bool is_name(const Token& token, std::string_view text) {
  return token.kind == TokenKind::name && token.text == text;
}

bool is_terminator(const Token& token) {
  return token.kind == TokenKind::newline || token.kind == TokenKind::endmarker ||
         is_op(token, ";");
}

/// Bracket depth change of one token (the tokenizer guarantees brackets balance).
int depth_change(const Token& token) {
  if (token.kind != TokenKind::op || token.text.size() != 1) return 0;
  const char c = token.text[0];
  return c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
}

/// Source text from `first` to `last` (tokens of one source), shortened to one line of at most
/// 40 bytes for messages.
std::string source_between(const Token& first, const Token& last) {
  const char* begin = first.text.data();
  const char* end = last.text.data() + last.text.size();
  const std::string_view text(begin, static_cast<std::size_t>(end - begin));
  constexpr std::size_t kMaxShown = 40;
  // A loop rather than find_first_of("\r\n"), which calls memchr once per byte; it looks no
  // further than what can be shown.
  std::size_t cut = 0;
  while (cut < text.size() && cut < kMaxShown && text[cut] != '\r' && text[cut] != '\n') ++cut;
  if (cut == text.size()) return std::string(text);
  std::string shown;
  shown.reserve(cut + 3);
  shown.append(text.substr(0, cut)).append("...");
  return shown;
}

std::string describe_token(const Token& token) {
  if (is_terminator(token)) return "end of statement";
  if (token.kind == TokenKind::string) {
    const StringLiteral literal = split_string_literal(token.text);
    if (literal.formatted) return "an f-string";
    if (literal.bytes) return "a bytes literal";
  }
  const std::string source = source_between(token, token);
  std::string quoted;
  quoted.reserve(source.size() + 2);
  quoted.append("`").append(source).append("`");
  return quoted;
}

StaticValue unknown_at(const Token& token, Why why, std::string subject) {
  StaticValue value;
  value.shape = Shape::unknown;
  value.why = why;
  value.subject = std::move(subject);
  value.line = token.line;
  value.column = token.column();
  return value;
}

/// The strings a value certainly holds once `util.to_tuple` made it a tuple.
const std::vector<std::string>& held_strings(const StaticValue& value) {
  static const std::vector<std::string> kNone;
  return value.shape == Shape::none ? kNone : value.strings;
}

/// Turns `into` unknown for the reason `cause` gives, unless it already is.
void make_unknown(StaticValue& into, const StaticValue& cause) {
  if (into.shape == Shape::unknown) return;
  StaticValue reason = cause;
  reason.strings = std::move(into.strings);
  into = std::move(reason);
}

/// Python's `+` (`augmented`: `+=`, where a list takes any iterable, a str item by item), or
/// nullopt where Python raises TypeError (`(1,) + [2]`) and so would the import.
std::optional<StaticValue> add(StaticValue left, const StaticValue& right, bool augmented) {
  if (left.shape == Shape::unknown || right.shape == Shape::unknown) {
    // Only a sum of sequences certainly holds the known items of both sides.
    const auto sequence_like = [](const StaticValue& side) {
      return side.is_sequence() || side.shape == Shape::unknown;
    };
    std::vector<std::string> held;
    if (sequence_like(left) && sequence_like(right)) {
      held = left.strings;
      held.insert(held.end(), right.strings.begin(), right.strings.end());
    }
    StaticValue sum = left.shape == Shape::unknown ? std::move(left) : right;
    sum.strings = std::move(held);
    return sum;
  }
  const bool same =
      left.shape == right.shape && left.shape != Shape::none && left.shape != Shape::set;
  if (same && left.shape == Shape::string) {
    left.strings.front() += right.strings.front();
    return left;
  }
  if (same || (augmented && left.shape == Shape::list && right.is_sequence())) {
    left.strings.insert(left.strings.end(), right.strings.begin(), right.strings.end());
    return left;
  }
  if (augmented && left.shape == Shape::list && right.shape == Shape::string) {
    // list.extend(str) appends each character (code point) of the string.
    const std::string& text = right.strings.front();
    for (std::size_t i = 0; i < text.size();) {
      std::size_t next = i + 1;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
      left.strings.push_back(text.substr(i, next - i));
      i = next;
    }
    return left;
  }
  return std::nullopt;
}

/// Recursive descent over one expression's tokens, the last of which ends the statement:
///   value   := expr (',' expr)* [',']
///   expr    := operand ('+' operand)*
///   operand := 'None' | string+ | name postfix* | '(' [value] ')' | '[' [items] ']'
///            | '{' items '}'
/// An expression outside the subset stops the reading at its first offending token ("hard");
/// a name whose value is unknown does not, so that the rest still counts.
class Evaluator {
 public:
  Evaluator(std::span<const Token> tokens, const ModuleNamespace& names)
      : tokens_(tokens), names_(names) {}

  StaticValue read() {
    StaticValue value = read_value();
    if (!failed_ && !is_terminator(tokens_[next_])) {
      return unknown_at(tokens_[next_], Why::not_evaluable, describe_token(tokens_[next_]));
    }
    if (failed_) value.strings.clear();  // what the value would have been is unknown
    return value;
  }

 private:
  const Token& peek() const { return tokens_[next_]; }
  bool at(std::string_view op) const { return is_op(peek(), op); }
  bool at_end() const { return is_terminator(peek()); }

  StaticValue fail() {
    failed_ = true;
    return unknown_at(peek(), Why::not_evaluable, describe_token(peek()));
  }

  StaticValue read_value() {
    const Token& start = peek();
    StaticValue first = read_expression();
    if (failed_ || !at(",")) return first;
    StaticValue tuple;
    tuple.shape = Shape::tuple;
    add_checked(tuple, std::move(first), start, false);
    while (!failed_ && at(",")) {
      ++next_;
      if (at_end() || at(")")) break;
      read_item(tuple);
    }
    return tuple;
  }

  /// Items up to the closing bracket, which is consumed.
  StaticValue read_items(Shape shape, std::string_view close) {
    StaticValue sequence;
    sequence.shape = shape;
    while (!failed_ && !at(close)) {
      read_item(sequence);
      if (failed_) break;
      if (at(",")) {
        ++next_;
      } else if (!at(close)) {
        fail();
      }
    }
    if (!failed_) ++next_;
    return sequence;
  }

  void read_item(StaticValue& sequence) {
    const bool starred = at("*");
    if (starred) ++next_;
    const Token& start = peek();
    StaticValue item = read_expression();
    if (failed_) {
      make_unknown(sequence, item);
      return;
    }
    add_checked(sequence, std::move(item), start, starred);
  }

  /// Items must be strings (alembic resolves each as an id or label); a starred item must be a
  /// sequence whose items are.
  static void add_checked(StaticValue& sequence, StaticValue item, const Token& start,
                          bool starred) {
    const bool fits = starred ? item.is_sequence() || item.shape == Shape::unknown
                              : item.shape == Shape::string || item.shape == Shape::unknown;
    if (!fits) {
      item = unknown_at(start, Why::not_evaluable, describe_token(start));
    }
    add_item(sequence, std::move(item), starred);
  }

  static void add_item(StaticValue& sequence, StaticValue item, bool starred) {
    if (item.shape == Shape::string || (starred && item.shape != Shape::unknown)) {
      for (auto& text : item.strings) {
        if (sequence.shape == Shape::set &&
            std::find(sequence.strings.begin(), sequence.strings.end(), text) !=
                sequence.strings.end()) {
          continue;
        }
        sequence.strings.push_back(std::move(text));
      }
      return;
    }
    make_unknown(sequence, item);
    // The items of an unknown starred sequence are certainly in; an unknown item may be anything.
    if (starred) {
      sequence.strings.insert(sequence.strings.end(), item.strings.begin(), item.strings.end());
    }
  }

  StaticValue read_expression() {
    StaticValue value = read_operand();
    while (!failed_ && at("+")) {
      const Token& op = peek();
      ++next_;
      StaticValue right = read_operand();
      if (failed_) return right;
      auto sum = add(std::move(value), right, false);
      if (!sum) {
        failed_ = true;
        return unknown_at(op, Why::not_evaluable, describe_token(op));
      }
      value = std::move(*sum);
    }
    return value;
  }

  StaticValue read_operand() {
    const Token& token = peek();
    if (is_name(token, "None")) {
      ++next_;
      return {};
    }
    if (token.kind == TokenKind::string) return read_strings();
    if (token.kind == TokenKind::name && !is_keyword(token.text)) return read_name();
    if (is_op(token, "(")) {
      ++next_;
      if (at(")")) {
        ++next_;
        StaticValue empty;
        empty.shape = Shape::tuple;
        return empty;
      }
      StaticValue inner = read_value();
      if (failed_) return inner;
      if (!at(")")) return fail();
      ++next_;
      return inner;
    }
    if (is_op(token, "[")) {
      ++next_;
      return read_items(Shape::list, "]");
    }
    if (is_op(token, "{") && !is_op(tokens_[next_ + 1], "}")) {
      ++next_;
      return read_items(Shape::set, "}");
    }
    return fail();
  }

  static bool is_keyword(std::string_view word) {
    // string_views, not C strings: comparing with those would call strlen for each.
    static constexpr std::array<std::string_view, 13> kKeywords = {
        "lambda", "not", "await", "yield", "if",   "else", "for",
        "in",     "is",  "and",   "or",    "True", "False"};
    return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
  }

  /// Adjacent literals concatenate, as in Python.
  StaticValue read_strings() {
    StaticValue value;
    value.shape = Shape::string;
    value.strings.emplace_back();
    for (; peek().kind == TokenKind::string; ++next_) {
      const StringLiteral literal = split_string_literal(peek().text);
      if (literal.bytes || literal.formatted) return fail();
      append_string_value(literal, value.strings.front());
    }
    return value;
  }

  /// A name, and what follows it: `.attr`, calls and subscripts make it unknown but are read
  /// over, so that the expression around them still counts.
  StaticValue read_name() {
    const Token& name = tokens_[next_++];
    std::size_t last = next_ - 1;
    bool postfix = false;
    while (true) {
      if (at(".") && tokens_[next_ + 1].kind == TokenKind::name) {
        next_ += 2;
      } else if (at("(") || at("[")) {
        // Over the call's or subscript's brackets, never past the token ending the statement.
        int depth = 0;
        do {
          depth += depth_change(tokens_[next_++]);
        } while (depth > 0 && next_ + 1 < tokens_.size());
        if (depth > 0) return fail();
      } else {
        break;
      }
      last = next_ - 1;
      postfix = true;
    }
    StaticValue value;
    if (const auto* binding = names_.find(name.text)) {
      value = binding->value;
    } else {
      value = unknown_at(name, names_.star_import_line() > 0 ? Why::star_imported : Why::unbound,
                         std::string(name.text));
      value.origin_line = names_.star_import_line();
    }
    if (value.shape == Shape::unknown) {
      // Findings point at the use; the reason names where the value was bound.
      value.line = name.line;
      value.column = name.column();
    }
    if (!postfix) return value;
    // `x.attr`, `f(...)`, `x[i]`: outside the subset whatever `x` is.
    const std::string expression = source_between(name, tokens_[last]);
    if (value.shape != Shape::unknown) {
      value = unknown_at(name, Why::not_evaluable, "`" + expression + "`");
    } else {
      value.strings.clear();
    }
    value.expression = expression;
    return value;
  }

  std::span<const Token> tokens_;
  const ModuleNamespace& names_;
  std::size_t next_ = 0;
  bool failed_ = false;
};

/// The strings both values certainly hold, in `before`'s order.
std::vector<std::string> held_by_both(const StaticValue& before, const StaticValue& after) {
  std::vector<std::string> both;
  const auto& later = held_strings(after);
  for (const auto& text : held_strings(before)) {
    if (std::find(later.begin(), later.end(), text) != later.end()) both.push_back(text);
  }
  return both;
}

/// How the name in `value` was bound, for the reasons that are about a binding.
std::string binding_of(const StaticValue& value) {
  switch (value.why) {
    case Why::imported:
      return "is imported";
    case Why::star_imported:
      return "may come from the `import *`";
    case Why::defined:
      return "is a `" + value.keyword + "`";
    case Why::unpacked:
      return "is bound by unpacking or a loop";
    case Why::assigned_in_block:
      return "is assigned inside `" + value.keyword + "`";
    case Why::changed_in_place:
      return "may be changed in place";
    case Why::not_evaluable:
    case Why::unbound:
      break;
  }
  return {};
}

}  // namespace

std::string explain(const StaticValue& value) {
  if (value.why == Why::not_evaluable) return "found " + value.subject;
  std::string reason = "`" + value.subject + "` ";
  if (value.why == Why::unbound) {
    reason += "is not assigned earlier in the file";
  } else {
    reason += binding_of(value) + " at line " + std::to_string(value.origin_line);
  }
  if (!value.expression.empty()) return "`" + value.expression + "`: " + reason;
  return reason;
}

StaticValue ModuleNamespace::evaluate(std::span<const Token> expression) const {
  return Evaluator(expression, *this).read();
}

std::string ModuleNamespace::Binding::value_text() const { return describe_token(value_start); }

const ModuleNamespace::Binding* ModuleNamespace::find(std::string_view name) const {
  const auto it = entry_named(names_, name);
  return it == names_.end() ? nullptr : &it->second;
}

void ModuleNamespace::bind(const Token& target, StaticValue value, const Token& value_start,
                           std::string_view block) {
  if (!block.empty()) {
    // The block may not run: only what the name holds either way is certain.
    const Binding* before = find(target.text);
    StaticValue either = unknown_at(target, Why::assigned_in_block, std::string(target.text));
    either.origin_line = target.line;
    either.keyword = std::string(block);
    if (before != nullptr) either.strings = held_by_both(before->value, value);
    value = std::move(either);
  }
  // Filled in place: building a Binding and moving it in costs a cold scan several percent.
  const auto found = entry_named(names_, target.text);
  Binding& binding =
      found != names_.end() ? found->second : names_.emplace_back(target.text, Binding{}).second;
  binding.value = std::move(value);
  binding.target = target;
  binding.value_start = value_start;
}

void ModuleNamespace::bind_unknown(const Token& name, Why why, std::string_view keyword,
                                   std::string_view block) {
  StaticValue value = unknown_at(name, why, std::string(name.text));
  value.origin_line = name.line;
  value.keyword = std::string(keyword);
  bind(name, std::move(value), name, block);
}

void ModuleNamespace::execute_header(std::span<const Token> header) {
  const Token& first = header.front();
  if (is_name(first, "def") || is_name(first, "class") ||
      (is_name(first, "async") && header.size() > 2)) {
    const std::size_t name = is_name(first, "async") ? 2 : 1;
    if (name < header.size() && header[name].kind == TokenKind::name) {
      bind_unknown(header[name], Why::defined, header[name - 1].text, {});
    }
    return;
  }
  const bool loop = is_name(first, "for") ||
                    (is_name(first, "async") && header.size() > 1 && is_name(header[1], "for"));
  bool in_targets = loop;
  for (std::size_t i = 1; i < header.size(); ++i) {
    const Token& token = header[i];
    if (loop && is_name(token, "in")) in_targets = false;
    const bool after_as = is_name(header[i - 1], "as");
    const bool walrus = i + 1 < header.size() && is_op(header[i + 1], ":=");
    if (token.kind == TokenKind::name && (in_targets || after_as || walrus) &&
        !is_name(token, "for") && !is_op(header[i - 1], ".")) {
      bind_unknown(token, Why::unpacked, {}, {});
    }
  }
}

void ModuleNamespace::execute(std::span<const Token> statement, std::string_view block) {
  const Token& first = statement.front();
  if (is_terminator(first)) return;
  bind_walrus_targets(statement, block);
  if (is_name(first, "import") || is_name(first, "from")) return execute_import(statement, block);
  if (is_name(first, "del")) {
    for (std::size_t i = 1; i < statement.size(); ++i) {
      if (statement[i].kind != TokenKind::name || is_op(statement[i - 1], ".")) continue;
      if (i + 1 < statement.size() &&
          (is_op(statement[i + 1], ".") || is_op(statement[i + 1], "["))) {
        mark_changed_in_place(statement[i], block);
      } else if (block.empty()) {
        if (const auto found = entry_named(names_, statement[i].text); found != names_.end()) {
          names_.erase(found);
        }
      } else {
        bind_unknown(statement[i], Why::assigned_in_block, block, block);
      }
    }
    return;
  }
  if (statement.size() > 2 && first.kind == TokenKind::name && statement[1].kind == TokenKind::op &&
      statement[1].text.size() >= 2 && statement[1].text.back() == '=' &&
      statement[1].text != "==" && statement[1].text != "!=" && statement[1].text != "<=" &&
      statement[1].text != ">=") {
    return execute_augmented(statement, block);
  }
  // Targets end at each depth-0 `=`; a lambda's default arguments are not assignments.
  std::size_t last_equals = 0;
  int depth = 0;
  for (std::size_t i = 0; i < statement.size(); ++i) {
    if (depth == 0 && is_name(statement[i], "lambda")) break;
    if (depth == 0 && is_op(statement[i], "=")) last_equals = i;
    depth += depth_change(statement[i]);
  }
  if (last_equals > 0) {
    return execute_assignment(statement.first(last_equals + 1), statement.subspan(last_equals + 1),
                              block);
  }
  // An expression statement such as `deps.append("x")` may change `deps`.
  if (first.kind == TokenKind::name && statement.size() > 2 &&
      (is_op(statement[1], ".") || is_op(statement[1], "["))) {
    mark_changed_in_place(first, block);
  }
}

void ModuleNamespace::execute_assignment(std::span<const Token> targets,
                                         std::span<const Token> value_tokens,
                                         std::string_view block) {
  StaticValue value = evaluate(value_tokens);
  const Token& value_start = value_tokens.front();
  std::size_t begin = 0;
  int depth = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (depth == 0 && is_op(targets[i], "=")) {
      const std::span<const Token> target = targets.subspan(begin, i - begin);
      begin = i + 1;
      if (target.empty()) continue;
      const Token& name = target.front();
      const bool plain =
          name.kind == TokenKind::name && (target.size() == 1 || is_op(target[1], ":"));
      if (plain) {
        // The last `=` ends the targets: its target takes the value, the others a copy.
        const bool last = i + 1 == targets.size();
        bind(name, last ? std::move(value) : value, value_start, block);
      } else if (name.kind == TokenKind::name && target.size() > 1 &&
                 (is_op(target[1], ".") || is_op(target[1], "["))) {
        mark_changed_in_place(name, block);
      } else {
        for (std::size_t t = 0; t < target.size(); ++t) {
          if (target[t].kind == TokenKind::name && (t == 0 || !is_op(target[t - 1], "."))) {
            bind_unknown(target[t], Why::unpacked, {}, block);
          }
        }
      }
    }
    depth += depth_change(targets[i]);
  }
}

void ModuleNamespace::execute_augmented(std::span<const Token> statement, std::string_view block) {
  const Token& name = statement[0];
  const Token& op = statement[1];
  const std::span<const Token> value_tokens = statement.subspan(2);
  StaticValue result;
  if (op.text != "+=") {
    result = unknown_at(op, Why::not_evaluable, describe_token(op));
  } else {
    StaticValue before;
    if (const Binding* binding = find(name.text)) {
      before = binding->value;
    } else {
      before = unknown_at(name, star_import_line_ > 0 ? Why::star_imported : Why::unbound,
                          std::string(name.text));
      before.origin_line = star_import_line_;
    }
    auto sum = add(std::move(before), evaluate(value_tokens), true);
    result = sum ? std::move(*sum) : unknown_at(op, Why::not_evaluable, describe_token(op));
  }
  bind(name, std::move(result), value_tokens.front(), block);
}

void ModuleNamespace::execute_import(std::span<const Token> statement, std::string_view block) {
  const bool from = is_name(statement.front(), "from");
  std::size_t i = 1;
  if (from) {
    while (i < statement.size() && !is_name(statement[i], "import")) ++i;
    ++i;
  }
  // Each imported item binds its `as` name, else (plain import) the first name of its path, else
  // (from-import) its name.
  const Token* bound = nullptr;
  bool after_as = false;
  bool expect_root = true;
  for (; i < statement.size(); ++i) {
    const Token& token = statement[i];
    if (is_op(token, "*")) {
      if (block.empty()) names_.clear();
      star_import_line_ = token.line;
    } else if (is_name(token, "as")) {
      after_as = true;
    } else if (token.kind == TokenKind::name) {
      if (after_as || expect_root) bound = &token;
      expect_root = false;
      after_as = false;
    } else if (is_op(token, ",") || is_terminator(token) || is_op(token, ")")) {
      if (bound != nullptr) bind_unknown(*bound, Why::imported, {}, block);
      bound = nullptr;
      expect_root = true;
    }
  }
}

void ModuleNamespace::mark_changed_in_place(const Token& name, std::string_view block) {
  const Binding* binding = find(name.text);
  if (binding == nullptr || binding->value.shape == Shape::unknown) {
    if (binding == nullptr) bind_unknown(name, Why::changed_in_place, {}, block);
    return;
  }
  StaticValue changed = unknown_at(name, Why::changed_in_place, std::string(name.text));
  changed.origin_line = name.line;
  bind(name, std::move(changed), name, block);
}

void ModuleNamespace::bind_walrus_targets(std::span<const Token> tokens, std::string_view block) {
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i].kind == TokenKind::name && is_op(tokens[i + 1], ":=")) {
      bind_unknown(tokens[i], Why::unpacked, {}, block);
    }
  }
}

}  // namespace alembic_exporter::alembic
