// PLACEHOLDER until lwm2m/model/model.cc lands: delete this file when adding the real loader.
#include "lwm2m/model.h"
namespace lwm2m {
const ResourceModel* ObjectModel::FindResource(uint16_t rid) const {
  auto it = resources.find(rid);
  return it == resources.end() ? nullptr : &it->second;
}
void ModelRegistry::Add(ObjectModel m) { models_[m.id][m.version] = std::move(m); }
const ObjectModel* ModelRegistry::Find(uint16_t id, std::string_view) const {
  auto it = models_.find(id);
  if (it == models_.end() || it->second.empty()) return nullptr;
  return &it->second.rbegin()->second;
}
const ResourceModel* ModelRegistry::FindResource(const Path& p) const {
  if (p.size() < 3) return nullptr;
  const ObjectModel* o = Find(p[0]);
  return o ? o->FindResource(p[2]) : nullptr;
}
const ModelRegistry& ModelRegistry::Builtin() {
  static const ModelRegistry r;
  return r;
}
}  // namespace lwm2m
