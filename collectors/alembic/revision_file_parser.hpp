#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "collectors/alembic/revision.hpp"

namespace alembic_exporter::alembic {

/// The file has no module-level `revision` assignment (a helper module, not a migration).
struct NotARevision {};

/// The file is (or may be) a revision that alembic could not load: Python cannot tokenize it, or
/// one of `revision`, `down_revision`, `branch_labels`, `depends_on` is not a literal this parser
/// can read. Located at the offending token, 1-based.
struct RevisionParseError {
  int line;
  int column;
  std::string message;
};

using RevisionFileParse = std::variant<NotARevision, Revision, RevisionParseError>;

/// Pure: reads the text of one .py file from a versions directory. Revision::path is left empty.
/// Mirrors what alembic 1.8 gets by importing the module: the last unconditional module-level
/// assignment of each name wins (plain or annotated; a string, None, or a tuple/list of
/// strings). The same names in def/class bodies are ignored; assigned in a module-level
/// if/try/with/for/while block they are an error, since which branch runs is unknowable here.
RevisionFileParse parse_revision_file(std::string_view text);

}  // namespace alembic_exporter::alembic
