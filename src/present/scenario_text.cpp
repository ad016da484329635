// The tables of a scenario and of the comparison of two: plain-Dutch text, CSV and JSON, made
// from the data src/scenario returns.
#include "present/scenario_text.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/dutch.hpp"
#include "core/json_text.hpp"

namespace casco::present {

using scenario::Comparison;
using scenario::ScenarioResult;
using scenario::ZoneKindArea;

namespace {

std::string nl(double v, int decimals = 0) {
  return dutch_number(v, decimals);
}

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::string shortfall_text(const scenario::ClaimReport& rep) {
  std::string blocked;
  auto add = [&](double ha, const char* what) {
    if (ha > 0) blocked += fmt::format("{}{} ha {}", blocked.empty() ? "" : ", ", nl(ha), what);
  };
  add(rep.verboden_ha, "verboden");
  add(rep.nee_tenzij_ha, "'nee, tenzij' (niet toegestaan in dit scenario)");
  add(rep.conversion_ha, "uitgesloten door de conversietabel");
  add(rep.variant_ha, "ongeschikt in de variant");
  std::string why = fmt::format(
      "{}: minimaal {} ha nodig, {} ha toegewezen, {} ha tekort. Van de {} ha in {} is {} ha "
      "geschikt{}{}{}",
      rep.id, nl(rep.min_ha, 1), nl(rep.ha, 1), nl(rep.shortfall_ha, 1), nl(rep.region_ha),
      rep.region, nl(rep.eligible_ha), blocked.empty() ? "" : " (", blocked,
      blocked.empty() ? "" : ")");
  if (rep.eligible_ha >= rep.min_ha)
    why += "; de geschikte grond is nodig voor andere claims in hetzelfde gebied";
  return why;
}

std::string zones_csv(const std::vector<std::string>& kinds, const std::vector<ZoneKindArea>& z) {
  std::string o = "zones,code,name";
  for (const auto& k : kinds) o += ",ha_" + k;
  o += ",ha_betwist\n";
  for (const auto& row : z) {
    o += fmt::format("{},{},{}", row.zone_layer, csv_text(row.code), csv_text(row.name));
    for (double h : row.ha) o += fmt::format(",{:.2f}", h);
    o += fmt::format(",{:.2f}\n", row.contested_ha);
  }
  return o;
}

std::string claims_csv(const ScenarioResult& r) {
  std::string o =
      "claim,kind,region,min_ha,max_ha,ha,shortfall_ha,shadow_price,suitability,homes,region_ha,"
      "eligible_ha,verboden_ha,nee_tenzij_ha,conversion_ha,variant_ha\n";
  for (const auto& c : r.claims)
    o += fmt::format(
        "{},{},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.6g},{:.6g},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{"
        ":.2f}\n",
        csv_text(c.id), c.kind, csv_text(c.region), c.min_ha, c.max_ha, c.ha, c.shortfall_ha,
        c.shadow_price, c.suitability,
        c.homes >= 0 ? fmt::format("{:.0f}", c.homes) : std::string(), c.region_ha, c.eligible_ha,
        c.verboden_ha, c.nee_tenzij_ha, c.conversion_ha, c.variant_ha);
  return o;
}

std::string format_scenario(const ScenarioResult& r, const std::vector<ZoneKindArea>& zones,
                            const std::string& format) {
  if (format == "csv") return claims_csv(r) + "\n" + zones_csv(r.kinds, zones);
  if (format == "json") {
    nlohmann::json j = {{"scenario", r.id},         {"name", r.name},
                        {"period", r.period},       {"variants", r.variants},
                        {"kinds", r.kinds},         {"feasible", r.feasible},
                        {"objective", r.objective}, {"contested_cells", r.contested_cells},
                        {"seconds", r.seconds}};
    for (const auto& c : r.claims) {
      nlohmann::json jc = {{"claim", c.id},
                           {"kind", c.kind},
                           {"region", c.region},
                           {"min_ha", c.min_ha},
                           {"max_ha", c.max_ha},
                           {"ha", c.ha},
                           {"shortfall_ha", c.shortfall_ha},
                           {"shadow_price", c.shadow_price},
                           {"eligible_ha", c.eligible_ha},
                           {"region_ha", c.region_ha},
                           {"verboden_ha", c.verboden_ha},
                           {"nee_tenzij_ha", c.nee_tenzij_ha},
                           {"conversion_ha", c.conversion_ha},
                           {"variant_ha", c.variant_ha}};
      if (c.homes >= 0) jc["homes"] = c.homes;
      if (c.shortfall_ha > 0) jc["why"] = shortfall_text(c);
      j["claims"].push_back(jc);
    }
    for (const auto& z : zones)
      j["zones"].push_back({{"zones", z.zone_layer},
                            {"code", z.code},
                            {"name", z.name},
                            {"ha", z.ha},
                            {"contested_ha", z.contested_ha}});
    return json_text(j, 2, "the scenario table") + "\n";
  }
  std::string o =
      fmt::format("Scenario: {}{}\n", r.name, r.period.empty() ? "" : " (" + r.period + ")");
  for (const auto& v : r.variants) o += fmt::format("Variant: {}\n", v);
  o += fmt::format(
      "\nClaims ({} per cel; schaduwprijs = wat de laatste hectare de claim kost aan "
      "geschiktheid)\n",
      nl(r.cell_ha, 4) + " ha");
  o += fmt::format("  {:<36} {:>9} {:>9} {:>11} {:>9} {:>13}  {}\n", "claim", "min ha", "max ha",
                   "toegewezen", "woningen", "schaduwprijs", "");
  for (const auto& c : r.claims)
    o += fmt::format("  {:<36} {:>9} {:>9} {:>11} {:>9} {:>13}  {}\n", c.id.substr(0, 36),
                     nl(c.min_ha, 1), nl(c.max_ha, 1), nl(c.ha, 1), c.homes >= 0 ? nl(c.homes) : "",
                     nl(c.shadow_price, 3), c.shortfall_ha > 0 ? "NIET GEHAALD" : "");
  if (!r.feasible) {
    o += "\nNiet gehaalde claims:\n";
    for (const auto& c : r.claims)
      if (c.shortfall_ha > 0) o += "  " + shortfall_text(c) + "\n";
  }
  std::string current;
  for (const auto& z : zones) {
    if (z.zone_layer != current) {
      current = z.zone_layer;
      o += fmt::format("\nToegewezen hectares per zone van '{}'\n  {:<28}", current, "naam");
      for (const auto& k : r.kinds) o += fmt::format(" {:>14}", k.substr(0, 14));
      o += fmt::format(" {:>10}\n", "betwist");
    }
    o += fmt::format("  {:<28}", z.name.substr(0, 28));
    for (double h : z.ha) o += fmt::format(" {:>14}", nl(h, 1));
    o += fmt::format(" {:>10}\n", nl(z.contested_ha, 1));
  }
  o += fmt::format(
      "\n{} cellen ({} ha) zijn betwist: daar scheelde de tweede keus minder dan {} in "
      "geschiktheid.\n",
      nl(static_cast<double>(r.contested_cells)),
      nl(static_cast<double>(r.contested_cells) * r.cell_ha), nl(r.contested, 2));
  return o;
}

std::string format_comparison(const Comparison& c, const std::string& format) {
  if (format == "csv") {
    std::string o = "zones,code,name,kind,ha_a,ha_b,difference_ha\n";
    for (std::size_t z = 0; z < c.a.size(); ++z)
      for (std::size_t k = 0; k < c.kinds.size(); ++k)
        o += fmt::format("{},{},{},{},{:.2f},{:.2f},{:.2f}\n", c.a[z].zone_layer,
                         csv_text(c.a[z].code), csv_text(c.a[z].name), c.kinds[k], c.a[z].ha[k],
                         c.b[z].ha[k], c.b[z].ha[k] - c.a[z].ha[k]);
    return o;
  }
  if (format == "json") {
    nlohmann::json j = {
        {"a", c.a_name}, {"b", c.b_name}, {"kinds", c.kinds}, {"changed_ha", c.changed_ha}};
    for (std::size_t z = 0; z < c.a.size(); ++z)
      j["zones"].push_back({{"zones", c.a[z].zone_layer},
                            {"code", c.a[z].code},
                            {"name", c.a[z].name},
                            {"ha_a", c.a[z].ha},
                            {"ha_b", c.b[z].ha}});
    return json_text(j, 2, "the scenario table") + "\n";
  }
  std::string o = fmt::format("A: {}\nB: {}\n{} ha krijgt in B een andere bestemming dan in A.\n",
                              c.a_name, c.b_name, nl(c.changed_ha, 1));
  std::string current;
  for (std::size_t z = 0; z < c.a.size(); ++z) {
    if (c.a[z].zone_layer != current) {
      current = c.a[z].zone_layer;
      o += fmt::format("\nHectares per zone van '{}' (A → B)\n  {:<26}", current, "naam");
      for (const auto& k : c.kinds) o += fmt::format(" {:>22}", k.substr(0, 22));
      o += "\n";
    }
    o += fmt::format("  {:<26}", c.a[z].name.substr(0, 26));
    for (std::size_t k = 0; k < c.kinds.size(); ++k) {
      double d = c.b[z].ha[k] - c.a[z].ha[k];
      o += fmt::format(" {:>22}", fmt::format("{} → {} ({}{})", nl(c.a[z].ha[k]), nl(c.b[z].ha[k]),
                                              d > 0 ? "+" : "", nl(d)));
    }
    o += "\n";
  }
  return o;
}

std::string change_note(const Comparison& c) {
  for (float v : c.change.values)
    if (v >= 1.0f) return "";
  return fmt::format("Geen verschil: A ({}) en B ({}) geven overal dezelfde claims.", c.a_name,
                     c.b_name);
}

}  // namespace casco::present
