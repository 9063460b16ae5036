#pragma once

#include <optional>
#include <string>
#include <vector>

namespace alembic_exporter::alembic {

/// One revision file as alembic sees it: the module-level assignments are the truth, never the
/// docstring's "Revision ID:"/"Revises:" lines nor the file name.
struct Revision {
  std::string id;
  /// `down_revision`: empty for a base, two or more for a merge.
  std::vector<std::string> down_revisions;
  std::vector<std::string> branch_labels;
  /// `depends_on`: revision ids or branch labels, as written.
  std::vector<std::string> depends_on;
  /// First line of the module docstring (what `alembic history` shows), possibly empty.
  std::string message;
  /// Value of a "Create Date:" docstring line, possibly empty.
  std::string create_date;
  /// File the revision was read from (as given to the scanner).
  std::string path;
  /// 1-based lines of the module-level assignments in `path`, 0 when absent or unknown; findings
  /// about a revision's references point at them.
  struct Lines {
    int revision = 0;
    int down_revision = 0;
    int depends_on = 0;
    int branch_labels = 0;
  };
  Lines lines;
  /// Why a value is only known at import time (issue 15), located at what makes it so.
  struct ImportTimeValue {
    int line = 0;
    int column = 0;
    std::string message;
  };
  /// Set when `branch_labels` / `depends_on` is computed at import time: the list above then holds
  /// only its statically known part (the strings it holds whatever the import does).
  std::optional<ImportTimeValue> branch_labels_at_import;
  std::optional<ImportTimeValue> depends_on_at_import;
};

/// A problem with the script directory, reported as data (lint), never thrown.
struct ScriptFinding {
  enum class Kind {
    parse_error,
    unreadable_file,
    duplicate_revision,
    dangling_reference,
    cycle,
    /// A branch label declared twice, or equal to a revision id (alembic: RevisionError).
    duplicate_branch_label,
    /// A version location that does not exist or is not a directory.
    missing_directory,
    // Warnings: the graph is known, a detail of it is not. They never change the state.
    /// `branch_labels` only known at import time.
    dynamic_branch_labels,
    /// `depends_on` only known at import time; its statically known part is used.
    dynamic_depends_on,
  };
  Kind kind;
  std::string path;  ///< file the finding is about; empty when it is about the directory
  int line = 0;      ///< 1-based; 0 when not about one place in a file
  int column = 0;    ///< 1-based; 0 when not about one place in a file
  std::string message;
};

/// True for the kinds that are warnings, not errors.
inline bool is_warning(ScriptFinding::Kind kind) {
  return kind == ScriptFinding::Kind::dynamic_branch_labels ||
         kind == ScriptFinding::Kind::dynamic_depends_on;
}

}  // namespace alembic_exporter::alembic
