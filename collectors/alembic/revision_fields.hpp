#pragma once

#include <string>

#include "collectors/alembic/module_namespace.hpp"
#include "collectors/alembic/revision_file_parser.hpp"

namespace alembic_exporter::alembic {

/// Pure: the revision that a module's names make, as `Script.__init__` reads them:
/// `module.revision`, `module.down_revision`, then `branch_labels` and `depends_on` through
/// `util.to_tuple`. `message` and `create_date` come from the module docstring.
RevisionFileParse revision_from_names(const ModuleNamespace& names, std::string message,
                                      std::string create_date);

}  // namespace alembic_exporter::alembic
