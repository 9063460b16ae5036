#include "collectors/server_slots.hpp"

namespace alembic_exporter {

std::shared_ptr<ConnectionSlots> ServerSlots::of(const std::string& endpoint) {
  std::erase_if(servers_, [](const auto& entry) { return entry.second.expired(); });
  auto& slot = servers_[endpoint];
  auto shared = slot.lock();
  if (!shared) {
    shared = std::make_shared<ConnectionSlots>(per_server_);
    slot = shared;
  }
  return shared;
}

void ServerSlots::set_per_server(std::size_t per_server) {
  per_server_ = per_server;
  for (const auto& [endpoint, slots] : servers_) {
    if (const auto shared = slots.lock()) shared->set_capacity(per_server);
  }
}

}  // namespace alembic_exporter
