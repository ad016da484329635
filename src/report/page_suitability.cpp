// Section "Waar past …?" (geschiktheid.tpl): per kind of development the share per verdict with
// the rules that decide it in this area (and the parties to consult), the rules that wait for
// data, the map, and a table per verdict.
#include <algorithm>
#include <set>

#include "legend/legend.hpp"
#include "report/pages.hpp"
#include "report/text.hpp"

namespace casco::report {
namespace {

constexpr const char* kVerdictSection[5] = {"FREE", "CONDITION", "CONSULT", "NO_UNLESS",
                                            "FORBIDDEN"};

// The rules that decide verdict `v` in this area, most hectares first.
std::vector<const DecidingRule*> deciding(const KindFigures& kf, std::size_t k, rules::Verdict v) {
  std::vector<const DecidingRule*> out;
  for (const DecidingRule& r : kf.rules)
    if (r.verdict == v && r.hectares[k] > 0) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [&](const DecidingRule* a, const DecidingRule* b) {
    return a->hectares[k] > b->hectares[k];
  });
  return out;
}

// A rule's title as the subject of "… pas na afstemming met X (subject)": a title that already
// says what to do after its colon ("Radioastronomie (LOFAR): afstemming met ASTRON") would say it
// twice, so only the part before the colon is kept.
std::string subject_of(const std::string& title, rules::Verdict v) {
  if (v != rules::Verdict::Afstemming) return title;
  const std::size_t colon = title.find(": ");
  return colon == std::string::npos || colon == 0 ? title : title.substr(0, colon);
}

void verdict_sentence(Page& p, Dict& d, const KindFigures& kf, int v, double total) {
  const double ha = kf.verdict_ha[p.k][std::size_t(v)];
  if (v == 0) {
    show(d, ha <= 0 ? "FREE_NONE" : ha >= total ? "FREE_ALL" : "FREE_SOME");
    set(d, "FREE", percent(total > 0 ? ha / total : 0));
    return;
  }
  if (ha <= 0) return;
  Dict* s = d.AddSectionDictionary(kVerdictSection[v]);
  set(*s, "SHARE", percent(ha / total));
  set(*s, "HA", hectares(ha));
  const auto rules = deciding(kf, p.k, static_cast<rules::Verdict>(v));
  std::vector<std::string> titles, parties;
  for (const DecidingRule* r : rules) {
    titles.push_back(subject_of(r->title, static_cast<rules::Verdict>(v)));
    if (!r->party.empty() && std::find(parties.begin(), parties.end(), r->party) == parties.end())
      parties.push_back(r->party);
  }
  add_list_more(*s, "RULE", titles, 3);
  add_list(*s, "PARTY", parties);
  show(*s, "NO_PARTY", parties.empty());
}

// The rules that wait for data: counted on every page, listed on the province's.
void waiting(const Page& p, Dict& d, const KindFigures& kf, double free_ha) {
  if (kf.waiting.empty()) return;
  Dict* w = d.AddSectionDictionary("WAITING");
  set_count(*w, "N", static_cast<double>(kf.waiting.size()));
  Dict* list = p.k == 0 ? w->AddSectionDictionary("LIST") : nullptr;
  bool stricter = false;
  for (const WaitingRule& r : kf.waiting) {
    stricter = stricter || (!r.is_score && r.verdict != rules::Verdict::Vrij);
    if (!list) continue;
    Dict* rd = list->AddSectionDictionary("RULE");
    set(*rd, "TITLE", r.title);
    std::vector<std::string> data;
    for (const std::string& id : r.missing.empty() ? r.needs : r.missing) {
      const LayerWords* w = p.in.config->words(id);
      data.push_back(w && !w->data.empty() ? w->data : "de kaartlaag " + id);
    }
    add_list(*rd, "NEEDS", data);
    show(*rd, r.missing.empty() ? "PRESENT" : "MISSING");  // PRESENT: it awaits review
  }
  // Only then can the free share shrink; never say so when nothing is free.
  show(*w, "STRICTER", stricter && free_ha > 0);
}

void verdict_table(Page& p, Dict& d, const KindFigures& kf, double total) {
  for (int v = 4; v >= 0; --v) {
    const auto verdict = static_cast<rules::Verdict>(v);
    const double ha = kf.verdict_ha[p.k][std::size_t(v)];
    Dict* row = d.AddSectionDictionary("VERDICT");
    set_raw(*row, "COLOUR", rules::verdict_colour(verdict));
    set(*row, "LABEL", rules::dutch_label(verdict));
    show(*row, rules::to_string(verdict));
    set(*row, "HA", number(ha));
    set(*row, "SHARE", percent(total > 0 ? ha / total : 0));
  }
  set(d, "TOTAL_HA", number(total));
  // The rules behind the verdicts here, strictest first.
  bool any = false;
  for (const DecidingRule& r : kf.rules) {
    if (r.hectares[p.k] <= 0) continue;
    any = true;
    Dict* row = d.AddSectionDictionary("DECIDING");
    set(*row, "TITLE", r.title);
    set(*row, "LABEL", rules::dutch_label(r.verdict));
    set(*row, "HA", number(r.hectares[p.k]));
  }
  show(d, "DECIDING_TABLE", any);
}

}  // namespace

void suitability_section(Page& p, Dict& d) {
  const SuitabilityFigures& s = *p.f().suitability;
  set(d, "RULESET", s.name);
  set(d, "VERSION", s.version);
  for (const KindFigures& kf : s.kinds) {
    Dict* kd = d.AddSectionDictionary("KIND");
    set(*kd, "TITLE", kf.title);
    set(*kd, "KIND", lower_first(kf.title));
    if (!kf.description.empty())
      set(*kd->AddSectionDictionary("DESCRIPTION"), "TEXT", kf.description);
    double total = 0;
    for (double v : kf.verdict_ha[p.k]) total += v;
    for (int v = 0; v <= 4; ++v) verdict_sentence(p, *kd, kf, v, total);
    waiting(p, *kd, kf, kf.verdict_ha[p.k][0]);
    p.map(*kd, kf.map);
    verdict_table(p, *kd, kf, total);
  }
}

}  // namespace casco::report
