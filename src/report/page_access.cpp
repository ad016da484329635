// Section "Bereikbaarheid" (bereikbaarheid.tpl): the norms met best and least, everyone's norms
// on a map, the mean travel time per facility and mode, and what a closure changes here.
#include <algorithm>
#include <cmath>

#include "report/pages.hpp"
#include "report/text.hpp"

namespace casco::report {
namespace {

double share(const NormFigures& n, std::size_t k) {
  return n.people[k] > 0 ? n.met[k] / n.people[k] : kNaN;
}

std::string norm_title(const Page& p, const std::string& layer) {
  const LayerRecord& L = p.layer(layer);
  return L.title.empty() ? L.id : L.title;
}

void norms(Page& p, Dict& d, const AccessFigures& a) {
  const std::size_t k = p.k;
  const NormFigures* best = nullptr;
  const NormFigures* worst = nullptr;
  for (const NormFigures& n : a.norms) {
    if (!std::isfinite(share(n, k))) continue;
    if (!best || share(n, k) > share(*best, k)) best = &n;
    if (!worst || share(n, k) < share(*worst, k)) worst = &n;
  }
  if (best) {
    Dict* b = d.AddSectionDictionary("BEST");
    set(*b, "NORM", norm_title(p, best->layer));
    set(*b, "SHARE", percent(share(*best, k)));
  }
  if (worst && worst != best) {
    Dict* w = d.AddSectionDictionary("WORST");
    set(*w, "NORM", norm_title(p, worst->layer));
    set(*w, "SHARE", percent(share(*worst, k)));
    set_count(*w, "BELOW", worst->people[k] - worst->met[k]);
  }
  if (!a.norms.empty() && !a.all_met.empty() && a.norms[0].people[k] > 0) {
    Dict* all = d.AddSectionDictionary("ALL");
    set(*all, "SHARE", percent(a.all_met[k] / a.norms[0].people[k]));
    set_count(*all, "N", static_cast<double>(a.norms.size()));
  }
  for (const NormFigures& n : a.norms) {
    Dict* row = d.AddSectionDictionary("NORM");
    set(*row, "TITLE", norm_title(p, n.layer));
    set(*row, "SHARE", percent(share(n, k)));
    set(*row, "BELOW", number(n.people[k] - n.met[k]));
  }
  if (Dict* m = p.map(d, a.map)) set_count(*m, "N", static_cast<double>(a.norms.size()));
}

// Mean minutes per facility (rows, by the layers' parameter kind) and mode (columns).
void times(Page& p, Dict& d, const AccessFigures& a) {
  if (a.times.empty()) return;
  std::vector<std::string> kinds, modes, mode_titles;
  for (const TravelFigures& t : a.times) {
    if (std::find(kinds.begin(), kinds.end(), t.kind) == kinds.end()) kinds.push_back(t.kind);
    if (std::find(modes.begin(), modes.end(), t.mode) == modes.end()) {
      modes.push_back(t.mode);
      mode_titles.push_back(t.mode_title.empty() ? t.mode : t.mode_title);
    }
  }
  Dict* table = d.AddSectionDictionary("TIMES");
  for (const auto& m : mode_titles) set(*table->AddSectionDictionary("MODE"), "TITLE", m);
  for (const auto& kind : kinds) {
    Dict* row = table->AddSectionDictionary("ROW");
    set(*row, "KIND", upper_first(kind));
    for (const auto& mode : modes) {
      auto it = std::find_if(a.times.begin(), a.times.end(), [&](const TravelFigures& t) {
        return t.kind == kind && t.mode == mode;
      });
      set(*row->AddSectionDictionary("CELL"), "MINUTES",
          it == a.times.end() ? "–" : whole_minutes(it->minutes[p.k]));
    }
  }
}

void what_if(Page& p, Dict& d, const AccessFigures& a) {
  for (const WhatIfFigures& w : a.what_if) {
    Dict* wd = d.AddSectionDictionary("WHATIF");
    set(*wd, "CLOSED", w.closed);
    auto norm = std::find_if(a.norms.begin(), a.norms.end(),
                             [&](const NormFigures& n) { return n.norm == w.norm; });
    set(*wd, "NORM", norm == a.norms.end() ? norm_title(p, w.layer) : norm_title(p, norm->layer));
    const double n = w.newly_below[p.k];
    set_count(*wd, "NEWLY", n);
    // A map only where something changes; otherwise the sentence says that nothing does.
    if (std::round(n) > 0) p.map(*wd, "wat-als-" + w.layer, "WHATIF_MAP");
  }
}

}  // namespace

void access_section(Page& p, Dict& d) {
  const AccessFigures& a = *p.f().access;
  norms(p, d, a);
  if (!a.estimate.empty()) set(*d.AddSectionDictionary("ESTIMATE"), "WHY", a.estimate);
  times(p, d, a);
  what_if(p, d, a);
}

}  // namespace casco::report
