// Access results as tables and text (CSV, JSON, Markdown, plain text).
#include "present/access_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "access/access.hpp"
#include "access/network.hpp"
#include "access/transit.hpp"
#include "core/crs.hpp"
#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/progress.hpp"
#include "core/toml_reader.hpp"
#include "model/dasymetric.hpp"
#include "model/rasterize.hpp"
#include "model/vector_source.hpp"

namespace casco::present {

using namespace casco::access;

namespace {
std::string nl(double v, int decimals = 0) {
  return dutch_number(v, decimals);
}
std::string pct(double a, double b) {
  return b > 0 ? nl(100.0 * a / b, 1) + "%" : "-";
}
}  // namespace

std::string format_access(const AccessConfig& cfg, const Store& store, const AccessResult& r,
                          const std::vector<NormTable>& norms, const std::string& format) {
  Raster pop = study_population(cfg, store);
  struct Summary {
    std::string kind, mode;
    double people = 0, weighted = 0, within15 = 0, within30 = 0, metres = 0, people_metres = 0;
  };
  std::vector<Summary> sums;
  for (const auto& L : r.layers) {
    Summary s{L.kind, L.mode};
    for (std::size_t i = 0; i < pop.values.size(); ++i) {
      float p = pop.values[i], t = L.minutes.values[i];
      if (std::isnan(p) || p <= 0 || std::isnan(t)) continue;
      s.people += p;
      s.weighted += p * t;
      s.within15 += t <= 15 ? p : 0;
      s.within30 += t <= 30 ? p : 0;
      if (!L.metres.values.empty() && !std::isnan(L.metres.values[i])) {
        s.metres += p * L.metres.values[i];
        s.people_metres += p;
      }
    }
    sums.push_back(s);
  }
  if (format == "json") {
    nlohmann::json j;
    j["name"] = cfg.name;
    j["estimate"] = r.estimate;
    j["method"] = r.method;
    for (const auto& s : sums)
      j["times"].push_back(
          {{"kind", s.kind},
           {"mode", s.mode},
           {"people", s.people},
           {"mean_minutes", s.people > 0 ? s.weighted / s.people : 0.0},
           {"share_within_15", s.people > 0 ? s.within15 / s.people : 0.0},
           {"share_within_30", s.people > 0 ? s.within30 / s.people : 0.0},
           {"mean_km", s.people_metres > 0 ? s.metres / s.people_metres / 1000 : 0.0}});
    for (const auto& n : norms) {
      nlohmann::json jn = {{"id", n.norm->id},
                           {"title", n.norm->title},
                           {"people", n.people},
                           {"people_within", n.people_within},
                           {"people_below", n.people - n.people_within}};
      for (const auto& row : n.rows)
        jn["zones"].push_back({{"zones", row.zone_layer},
                               {"code", row.code},
                               {"name", row.name},
                               {"people", row.people},
                               {"people_within", row.people_within},
                               {"people_below", row.people - row.people_within}});
      for (const auto& row : n.origin_rows)
        jn["origins"].push_back({{"origins", row.zone_layer},
                                 {"title", row.name},
                                 {"weight", row.people},
                                 {"weight_within", row.people_within},
                                 {"weight_below", row.people - row.people_within}});
      j["norms"].push_back(jn);
    }
    return json_text(j, 2, "the access table") + "\n";
  }
  if (format == "csv") {
    std::string o = "norm,zones,code,name,people,people_within,people_below,share_within\n";
    for (const auto& n : norms)
      for (const auto* rows : {&n.rows, &n.origin_rows})
        for (const auto& row : *rows)
          o += fmt::format("{},{},{},\"{}\",{:.0f},{:.0f},{:.0f},{:.4f}\n", n.norm->id,
                           row.zone_layer, row.code, row.name, row.people, row.people_within,
                           row.people - row.people_within,
                           row.people > 0 ? row.people_within / row.people : 0.0);
    return o;
  }
  std::string o = fmt::format("{}\nMethode: {}{}\n", cfg.name, r.method,
                              r.estimate ? " — schatting hemelsbreed" : "");
  o += "\nReistijd naar de dichtstbijzijnde voorziening (inwonergewogen)\n";
  o += fmt::format("  {:<22} {:<6} {:>10} {:>12} {:>12}\n", "voorziening", "wijze", "gem. min",
                   "<= 15 min", "<= 30 min");
  for (const auto& s : sums)
    o += fmt::format("  {:<22} {:<6} {:>10} {:>12} {:>12}\n", s.kind, s.mode,
                     s.people > 0 ? nl(s.weighted / s.people, 1) : "-", pct(s.within15, s.people),
                     pct(s.within30, s.people));
  for (const auto& n : norms) {
    o += fmt::format("\nNorm: {}\n  {} van {} inwoners haalt de norm ({}); {} inwoners niet.\n",
                     n.norm->title, nl(n.people_within), nl(n.people),
                     pct(n.people_within, n.people), nl(n.people - n.people_within));
    std::string current;
    for (const auto& row : n.rows) {
      if (row.zone_layer != current) {
        current = row.zone_layer;
        o += fmt::format("  per zone van '{}':\n  {:<30} {:>10} {:>12} {:>14}\n", current, "naam",
                         "inwoners", "haalt norm", "onder de norm");
      }
      o += fmt::format("  {:<30} {:>10} {:>12} {:>14}\n", row.name.substr(0, 30), nl(row.people),
                       pct(row.people_within, row.people), nl(row.people - row.people_within));
    }
    for (const auto& row : n.origin_rows)
      o +=
          fmt::format("  vanaf '{}' ({}): {} van {} haalt de norm ({}), gewogen per herkomstpunt\n",
                      row.zone_layer, row.name, nl(row.people_within), nl(row.people),
                      pct(row.people_within, row.people));
  }
  if (r.estimate)
    o += "\nLet op: zonder wegennet zijn alle reistijden een schatting hemelsbreed (rechte lijn x "
         "omrijfactor).\n";
  return o;
}

std::string format_what_if(const AccessConfig& cfg, const std::vector<NormTable>& before,
                           const std::vector<NormTable>& after,
                           const std::vector<std::string>& without, const std::string& format) {
  std::string list;
  for (const auto& w : without) list += (list.empty() ? "" : ", ") + w;
  nlohmann::json j;
  std::string o = fmt::format("{} — wat als {} verdwijnt?\n", cfg.name, list);
  for (std::size_t n = 0; n < before.size(); ++n) {
    const NormTable& b = before[n];
    const NormTable& a = after[n];
    double newly = b.people_within - a.people_within;
    nlohmann::json jn = {{"norm", b.norm->id}, {"title", b.norm->title}, {"newly_below", newly}};
    o += fmt::format("\nNorm: {}\n  {} inwoners komen nieuw onder de norm.\n", b.norm->title,
                     nl(newly));
    for (std::size_t i = 0; i < b.rows.size() && i < a.rows.size(); ++i) {
      double d = b.rows[i].people_within - a.rows[i].people_within;
      if (d < 0.5) continue;
      o += fmt::format("  {:<12} {:<30} {:>10} inwoners nieuw onder de norm\n",
                       b.rows[i].zone_layer, b.rows[i].name.substr(0, 30), nl(d));
      jn["zones"].push_back({{"zones", b.rows[i].zone_layer},
                             {"code", b.rows[i].code},
                             {"name", b.rows[i].name},
                             {"newly_below", d}});
    }
    for (std::size_t i = 0; i < b.origin_rows.size() && i < a.origin_rows.size(); ++i) {
      double d = b.origin_rows[i].people_within - a.origin_rows[i].people_within;
      o += fmt::format("  vanaf '{}': {} (gewicht) nieuw onder de norm\n",
                       b.origin_rows[i].zone_layer, nl(d));
      jn["origins"].push_back({{"origins", b.origin_rows[i].zone_layer}, {"newly_below", d}});
    }
    j["norms"].push_back(jn);
  }
  if (format == "json") {
    j["without"] = without;
    return json_text(j, 2, "the access table") + "\n";
  }
  return o;
}

std::string format_origins(const AccessConfig& cfg, const AccessResult& r, std::size_t set,
                           const std::vector<Origin>& origins) {
  const std::string& id = cfg.origins.at(set).id;
  std::vector<const OriginTimes*> cols;
  for (const auto& t : r.origin_times)
    if (t.set == id) cols.push_back(&t);
  std::string o = "id,x,y,weight";
  for (const OriginTimes* t : cols) {
    o += fmt::format(",min_{}_{}", t->kind, t->mode);
    if (!t->metres.empty()) o += fmt::format(",km_{}_{}", t->kind, t->mode);
  }
  o += "\n";
  auto cell = [](float v, int decimals) {
    return std::isnan(v) ? std::string() : fmt::format("{:.{}f}", v, decimals);
  };
  for (std::size_t i = 0; i < origins.size(); ++i) {
    std::string idq = origins[i].id;
    if (idq.find_first_of(",\"") != std::string::npos) {
      std::string q = "\"";
      for (char ch : idq) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      idq = q + "\"";
    }
    o += fmt::format("{},{:.1f},{:.1f},{:g}", idq, origins[i].x, origins[i].y, origins[i].weight);
    for (const OriginTimes* t : cols) {
      o += ',';
      o += cell(t->minutes[i], 1);
      if (!t->metres.empty()) {
        o += ',';
        o += cell(t->metres[i] / 1000.0f, 2);
      }
    }
    o += "\n";
  }
  return o;
}

}  // namespace casco::present
