#pragma once

#include <asio/io_context.hpp>
#include <string>

#include "collectors/postgres/pg_session.hpp"
#include "collectors/target_lister.hpp"

namespace alembic_exporter::postgres {

/// Lists a discovering component's databases or schemas with one statement (discovery_query) on
/// a PgSession to the component's own database.
class PgTargetLister final : public TargetLister {
 public:
  PgTargetLister(asio::io_context& io, ReaderSettings settings, const DiscoverySpec& spec);

  void list(std::function<void(ListOutcome)> done) override;
  void cancel() override;

 private:
  const std::string query_;
  const std::size_t max_targets_;
  PgSession session_;
};

/// The listing a discovery_query result holds, or why the statement failed.
ListOutcome listing_of(const SessionOutcome& outcome, std::size_t max_targets);

}  // namespace alembic_exporter::postgres
