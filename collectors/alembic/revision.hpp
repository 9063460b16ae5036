#pragma once

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
  };
  Kind kind;
  std::string path;  ///< file the finding is about; empty when it is about the directory
  int line = 0;      ///< 1-based; 0 when not about one place in a file
  int column = 0;    ///< 1-based; 0 when not about one place in a file
  std::string message;
};

}  // namespace alembic_exporter::alembic
