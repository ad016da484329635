// Section "Water en bodem" (water.tpl): the wells summary, the groundwater and stress-test maps,
// the stress test in hectares per class now and per climate variant, and what still waits for
// data (with the rules that wait for it).
#include <algorithm>

#include "report/pages.hpp"
#include "report/text.hpp"

namespace casco::report {
namespace {

void wells(Page& p, Dict& d, const WellsFigures& w) {
  Dict* s = d.AddSectionDictionary("WELLS");
  set(*s, "SOURCE", w.source);
  set_count(*s, "FILTERS", static_cast<double>(w.filters));
  set_count(*s, "READINGS", static_cast<double>(w.readings));
  set_count(*s, "KEPT", static_cast<double>(w.kept));
  set_count(*s, "SKIPPED", static_cast<double>(w.skipped.total()));
  set(*s, "FIRST", std::to_string(w.first_year));
  set(*s, "LAST", std::to_string(w.last_year));
  set_count(*s, "WITH_GXG", static_cast<double>(w.with_gxg));
  set_count(*s, "INDICATIVE", static_cast<double>(w.indicative));
  if (w.indicative > 1) show(*s, w.indicative == w.with_gxg ? "INDICATIVE_ALL" : "INDICATIVE_SOME");
  set(*s, "MIN_YEARS", std::to_string(w.min_years));
  set_count(*s, "UNRELIABLE", static_cast<double>(w.unreliable));
  set_count(*s, "FALLING", static_cast<double>(w.falling));
  set_count(*s, "RISING", static_cast<double>(w.rising));
  set_count(*s, "NO_TREND", static_cast<double>(w.no_trend));
  set_count(*s, "TOO_SHORT", static_cast<double>(w.too_short));
  const std::pair<const char*, std::size_t> reasons[] = {
      {"missing", w.skipped.missing},       {"duplicate", w.skipped.duplicate},
      {"above_tube", w.skipped.above_tube}, {"dry", w.skipped.dry},
      {"outlier", w.skipped.outlier},       {"remarked", w.skipped.remarked},
      {"rejected", w.skipped.rejected},     {"undecided", w.skipped.undecided}};
  Dict* table = w.skipped.total() > 0 ? s->AddSectionDictionary("SKIP_TABLE") : nullptr;
  for (const auto& [reason, n] : reasons) {
    if (n == 0 || !table) continue;
    Dict* row = table->AddSectionDictionary("SKIP");
    show(*row, reason);
    set(*row, "N", number(static_cast<double>(n)));
  }
  p.map(*s, w.map);
}

// One table per stress-test layer kind (`what`): rows are its classes, columns now and each
// climate variant.
void stress(Page& p, Dict& d, const std::vector<ClassHectares>& all) {
  std::vector<std::string> whats;
  for (const auto& c : all)
    if (std::find(whats.begin(), whats.end(), c.what) == whats.end()) whats.push_back(c.what);
  for (const auto& what : whats) {
    std::vector<const ClassHectares*> cols;
    for (const auto& c : all)
      if (c.what == what) cols.push_back(&c);
    std::stable_sort(cols.begin(), cols.end(), [](const ClassHectares* a, const ClassHectares* b) {
      return a->variant.empty() && !b->variant.empty();
    });
    Dict* t = d.AddSectionDictionary("STRESS");
    show(*t, what);
    double known = 0;
    for (const ClassHectares* c : cols) {
      Dict* col = t->AddSectionDictionary("COLUMN");
      if (c->variant.empty())
        show(*col, "NOW");
      else
        set(*col->AddSectionDictionary("VARIANT"), "TITLE", c->variant_title);
      for (double ha : c->hectares[p.k]) known += ha;
    }
    if (known <= 0) {
      show(*t, "STRESS_NO_DATA");
      continue;
    }
    Dict* table = t->AddSectionDictionary("TABLE");
    for (std::size_t r = 0; r < cols[0]->labels.size(); ++r) {
      Dict* row = table->AddSectionDictionary("ROW");
      set(*row, "LABEL", cols[0]->labels[r]);
      for (const ClassHectares* c : cols)
        set(*row->AddSectionDictionary("CELL"), "HA",
            r < c->hectares[p.k].size() ? number(c->hectares[p.k][r]) : "–");
    }
  }
}

void waiting(Dict& d, const std::vector<WaterWaitFigures>& waits) {
  if (waits.empty()) return;
  Dict* s = d.AddSectionDictionary("WAITING");
  for (const WaterWaitFigures& w : waits) {
    Dict* wd = s->AddSectionDictionary("WAIT");
    set(*wd, "DATA", w.data);
    if (!w.how.empty()) set(*wd->AddSectionDictionary("HOW"), "TEXT", w.how);
    add_list(*wd, "LAYER", w.missing);
    set_count(*wd, "RULES", static_cast<double>(w.rules.size()));
    add_list(*wd, "RULE", w.rules);
  }
}

}  // namespace

void water_section(Page& p, Dict& d) {
  const WaterFigures& w = *p.f().water;
  if (w.wells) wells(p, d, *w.wells);
  for (const WaterMap& m : w.maps) {
    const LayerRecord& L = p.layer(m.layer);
    if (m.known_ha[p.k] <= 0) {  // no map of nothing: say so
      set(*d.AddSectionDictionary("NO_DATA"), "TITLE", L.title);
      continue;
    }
    if (Dict* md = p.map(d, m.key, "WATER_MAP")) {
      set(*md, "TITLE", L.title);
      set(*md, "SHARE", percent(p.area().area_ha > 0 ? m.known_ha[p.k] / p.area().area_ha : 0));
      if (!L.estimate.empty()) set(*md->AddSectionDictionary("ESTIMATE"), "TEXT", L.estimate);
    }
  }
  stress(p, d, w.stress);
  waiting(d, w.waiting);
}

}  // namespace casco::report
