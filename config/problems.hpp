#pragma once

#include <yaml-cpp/mark.h>

#include <string>
#include <vector>

#include "config/config_problem.hpp"

namespace alembic_exporter::config {

/// Collects the problems of one file so validation can report all of them at once.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  /// Records a problem at a yaml-cpp mark (0-based; the null mark means "the whole file").
  void add(const YAML::Mark& mark, std::string message);
  /// How many problems were added so far (compare before and after checking a part).
  std::size_t count() const { return problems_.size(); }
  const std::string& file() const { return file_; }
  /// The problems in file order (by line, then column, then as added).
  std::vector<ConfigProblem> take_sorted();

 private:
  std::string file_;
  std::vector<ConfigProblem> problems_;
};

}  // namespace alembic_exporter::config
