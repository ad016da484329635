#include "viewer/compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace casco::viewer {
namespace {

constexpr unsigned kNoClaimGrey = 0x8c8c8c;

// The class name of a cell, or "" (no data, no class).
const std::string& label_of(const legend::Legend& l, float v) {
  static const std::string none;
  const int k = l.class_index(v);
  return k < 0 ? none : l.classes[static_cast<std::size_t>(k)].label;
}

}  // namespace

std::uint32_t Comparison::argb(std::size_t cell) const {
  const int k = changed_to[cell];
  if (k < 0) return 0;
  const Kind& kind = kinds[static_cast<std::size_t>(k)];
  return 0xff000000u | (kind.drawn ? kind.rgb : kNoClaimGrey);
}

nlohmann::json Comparison::to_json(const std::string& title_a, const std::string& title_b) const {
  nlohmann::json j = {{"a", {{"id", a}, {"title", title_a}}},
                      {"b", {{"id", b}, {"title", title_b}}},
                      {"changed_ha", changed_ha},
                      {"no_claim_colour", legend::css(kNoClaimGrey)}};
  auto& ks = j["kinds"] = nlohmann::json::array();
  for (const Kind& k : kinds)
    ks.push_back({{"label", k.label},
                  {"colour", legend::css(k.rgb)},
                  {"drawn", k.drawn},
                  {"ha_a", k.ha_a},
                  {"ha_b", k.ha_b}});
  auto& cs = j["changes"] = nlohmann::json::array();
  for (const Change& c : changes) cs.push_back({{"from", c.from}, {"to", c.to}, {"ha", c.ha}});
  return j;
}

Comparison compare_allocations(const std::string& a_id, const Raster& a, const legend::Legend& la,
                               const std::string& b_id, const Raster& b, const legend::Legend& lb,
                               const std::vector<std::uint8_t>& inside) {
  Comparison c;
  c.a = a_id, c.b = b_id;
  // The kinds of both, by name: B's order first, then what only A has.
  std::map<std::string, std::size_t> index;
  auto add_kinds = [&](const legend::Legend& l) {
    for (const auto& e : l.classes)
      if (!index.count(e.label)) {
        index[e.label] = c.kinds.size();
        c.kinds.push_back({e.label, e.rgb, e.drawn});
      }
  };
  add_kinds(lb);
  add_kinds(la);
  const Grid& g = a.grid;
  const double cell_ha = g.cell_area_ha();
  const bool all = inside.size() != a.values.size();
  c.changed_to.assign(a.values.size(), -1);
  std::map<std::pair<std::size_t, std::size_t>, double> moves;
  for (std::size_t i = 0; i < a.values.size() && i < b.values.size(); ++i) {
    if (!all && !inside[i]) continue;
    const std::string &sa = label_of(la, a.values[i]), &sb = label_of(lb, b.values[i]);
    const std::size_t ka = sa.empty() ? SIZE_MAX : index.at(sa);
    const std::size_t kb = sb.empty() ? SIZE_MAX : index.at(sb);
    if (ka != SIZE_MAX) c.kinds[ka].ha_a += cell_ha;
    if (kb != SIZE_MAX) c.kinds[kb].ha_b += cell_ha;
    if (ka == kb || ka == SIZE_MAX || kb == SIZE_MAX) continue;
    c.changed_to[i] = static_cast<std::int16_t>(kb);
    c.changed_ha += cell_ha;
    moves[{ka, kb}] += cell_ha;
  }
  for (const auto& [k, ha] : moves)
    c.changes.push_back({c.kinds[k.first].label, c.kinds[k.second].label, ha});
  std::stable_sort(c.changes.begin(), c.changes.end(),
                   [](const auto& x, const auto& y) { return x.ha > y.ha; });
  return c;
}

}  // namespace casco::viewer
