// Section "Oppervlakte en inwoners" (overzicht.tpl): size, inhabitants, density against the
// province, homes, the map of where people live; on the province page also where the counts come
// from and the table of the zones with links to their pages.
#include <cmath>

#include "report/pages.hpp"
#include "report/text.hpp"

namespace casco::report {
namespace {

double density(double people, double area_ha) {
  return area_ha > 0 ? people / (area_ha / 100) : 0;
}

void people(Page& p, Dict& d, const PopulationFigures& pop) {
  const Area& a = p.area();
  const Area& province = p.f().areas[0];
  Dict* s = d.AddSectionDictionary("PEOPLE");
  const double n = pop.people[p.k], dens = density(n, a.area_ha);
  set(*s, "N", number(n));
  set(*s, "DENSITY", number(dens));
  if (!pop.source.empty()) set(*s->AddSectionDictionary("SOURCE"), "TEXT", pop.source);
  const double province_density = density(pop.people[0], province.area_ha);
  set(*s, "PROVINCE_DENSITY", number(province_density));
  if (p.k > 0 && province_density > 0) {
    const double ratio = dens / province_density;
    show(*s, ratio > 1.25 ? "DENSER" : ratio < 0.8 ? "QUIETER" : "AVERAGE");
  }
  if (!pop.homes.empty())
    set(*d.AddSectionDictionary("HOMES"), "N", number(std::round(pop.homes[p.k] / 100) * 100));
  const std::string& map_layer =
      p.in.config->population_map.empty() ? pop.layer : p.in.config->population_map;
  if (Dict* m = p.map(d, "bevolking")) {
    set(*m, "LAYER", p.layer(map_layer).title);
    show(*m, "ESTIMATE", !p.layer(map_layer).estimate.empty());
  }
}

// Where the inhabitant figures come from, and why other counts in the model differ.
void sources(Page& p, Dict& d, const PopulationFigures& pop) {
  Dict* s = d.AddSectionDictionary("SOURCES");
  const LayerRecord& main = p.layer(pop.layer);
  set(*s, "LAYER", main.title);
  set(*s, "N", number(pop.people[0]));
  if (!main.estimate.empty()) set(*s->AddSectionDictionary("ESTIMATE"), "TEXT", main.estimate);
  for (const auto& o : pop.others) {
    Dict* od = s->AddSectionDictionary("OTHER");
    set(*od, "TITLE", p.layer(o.layer).title);
    set(*od, "N", number(o.total));
    const double diff = std::round(o.total) - std::round(pop.people[0]);
    if (diff != 0)
      set(*od->AddSectionDictionary(diff > 0 ? "MORE" : "FEWER"), "DIFF", number(std::abs(diff)));
    const LayerWords* w = p.in.config->words(o.layer);
    if (w && !w->explain.empty())
      set(*od->AddSectionDictionary("WHY"), "TEXT", w->explain);
    else
      show(*od, "GENERIC");
  }
  if (std::isfinite(pop.in_kernen)) {
    Dict* kd = s->AddSectionDictionary("KERNEN");
    set(*kd, "N", number(pop.in_kernen));
    set(*kd, "SHARE", percent(pop.people[0] > 0 ? pop.in_kernen / pop.people[0] : 0));
    set(*kd, "REST", number(pop.people[0] - pop.in_kernen));
  }
}

void zones_table(Page& p, Dict& d) {
  Dict* t = d.AddSectionDictionary("ZONES");
  const auto& areas = p.f().areas;
  for (std::size_t k = 1; k < areas.size(); ++k) {
    Dict* row = t->AddSectionDictionary("ZONE");
    set(*row, "NAME", areas[k].name);
    set(*row, "FILE", areas[k].file + ".html");
    show(*row, p.in.written[k] ? "LINK" : "NOLINK");
    set(*row, "KM2", km2(areas[k].area_ha));
    set(*row, "PEOPLE", p.f().population ? number(p.f().population->people[k]) : "–");
  }
}

}  // namespace

void overview_section(Page& p, Dict& d) {
  const Area& a = p.area();
  const Area& province = p.f().areas[0];
  set(d, "KM2", km2(a.area_ha));
  set(d, "HA", hectares(a.area_ha));
  set(d, "SHARE", percent(province.area_ha > 0 ? a.area_ha / province.area_ha : 0));
  if (const auto& pop = p.f().population) {
    people(p, d, *pop);
    if (p.k == 0) sources(p, d, *pop);
  }
  if (p.k == 0 && p.f().areas.size() > 1) zones_table(p, d);
}

}  // namespace casco::report
