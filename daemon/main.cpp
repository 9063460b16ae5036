#include <unistd.h>

#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "daemon/cli/command_line.hpp"
#include "daemon/core/exit_codes.hpp"

namespace {

void print_exception_chain(const std::exception& error) {
  std::cerr << "alembic_exporter: " << error.what() << '\n';
  try {
    std::rethrow_if_nested(error);
  } catch (const std::exception& cause) {
    print_exception_chain(cause);
  } catch (...) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> arguments(argv + 1, argv + argc);
  try {
    return alembic_exporter::cli::run_command_line(arguments, std::cout, std::cerr,
                                                   isatty(STDOUT_FILENO) == 1);
  } catch (const std::exception& error) {
    print_exception_chain(error);
    return alembic_exporter::core::to_int(alembic_exporter::core::ExitCode::software);
  }
}
