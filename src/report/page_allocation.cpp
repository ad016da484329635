// Section "Toewijzing" (toewijzing.tpl): per opgavenkaart the hectares per kind of claim and its
// map; with two or more, each is named A, B, … and the first two are compared, so "A" and "B"
// are never left unexplained.
#include <algorithm>
#include <cmath>

#include "report/pages.hpp"
#include "report/text.hpp"

namespace casco::report {
namespace {

std::string letter(std::size_t i) {
  return std::string(1, static_cast<char>('A' + std::min<std::size_t>(i, 25)));
}

std::string signed_number(double v) {
  const double r = std::round(v);
  std::string out = number(std::fabs(r));
  // (inserting, not "+" + std::string: that trips a bogus GCC 12 -Wrestrict at -O3)
  if (r != 0) out.insert(0, r > 0 ? "+" : "−");
  return out;
}

double hectares_of(const AllocationFigures& a, const std::string& label, std::size_t k) {
  for (const auto& c : a.classes)
    if (c.label == label) return c.hectares[k];
  return 0;
}

void compare(Page& p, Dict& d, const AllocationFigures& a, const AllocationFigures& b) {
  Dict* c = d.AddSectionDictionary("COMPARE");
  set(*c, "A", a.title);
  set(*c, "B", b.title);
  std::vector<std::string> labels;
  for (const auto* x : {&a, &b})
    for (const auto& cl : x->classes)
      if (cl.drawn && std::find(labels.begin(), labels.end(), cl.label) == labels.end())
        labels.push_back(cl.label);
  for (const auto& label : labels) {
    const double ha = hectares_of(a, label, p.k), hb = hectares_of(b, label, p.k);
    Dict* row = c->AddSectionDictionary("ROW");
    set(*row, "LABEL", label);
    set(*row, "A_HA", number(ha));
    set(*row, "B_HA", number(hb));
    set(*row, "DIFF", signed_number(hb - ha));
  }
}

}  // namespace

void allocation_section(Page& p, Dict& d) {
  const auto& all = p.f().allocations;
  const bool named = all.size() > 1;
  if (named) {
    Dict* n = d.AddSectionDictionary("NAMED");
    for (std::size_t i = 0; i < all.size(); ++i) {
      Dict* s = n->AddSectionDictionary("SCENARIO");
      set(*s, "LETTER", letter(i));
      set(*s, "TITLE", all[i].title);
      if (i > 0) show(*s, i + 1 == all.size() ? "AND" : "COMMA");
    }
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    const AllocationFigures& a = all[i];
    Dict* ad = d.AddSectionDictionary("ALLOCATION");
    set(*ad, "TITLE", a.title);
    if (named) set(*ad->AddSectionDictionary("LETTER"), "TEXT", letter(i));
    for (const auto& c : a.classes) {
      Dict* row = ad->AddSectionDictionary("CLASS");
      set(*row, "LABEL", c.label);
      set(*row, "HA", number(c.hectares[p.k]));
      set(*row, "SHARE", percent(p.area().area_ha > 0 ? c.hectares[p.k] / p.area().area_ha : 0));
      show(*row, c.drawn ? "CLAIM" : "NO_CLAIM");
    }
    p.map(*ad, a.map);
  }
  if (named) compare(p, d, all[0], all[1]);
}

}  // namespace casco::report
