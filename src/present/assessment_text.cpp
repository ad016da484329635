// Plan assessments as people read them: plain-Dutch text, a Markdown page, or JSON for the viewer
// and other programs, made from the data rules::assess returns.
#include "present/assessment_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_text.hpp"

namespace casco::present {

using rules::Assessment;
using rules::Rule;
using rules::RuleResult;
using rules::RuleSet;

namespace {

std::string pct(double share) {
  return fmt::format("{:.0f}%", share * 100);
}
std::string ha(double v) {
  return v >= 100  ? fmt::format("{:.0f}", v)
         : v >= 10 ? fmt::format("{:.1f}", v)
                   : fmt::format("{:.2f}", v);
}

std::string kind_title(const RuleSet& set, const std::string& k) {
  for (const auto& kd : set.kinds)
    if (kd.id == k) return kd.title;
  return k;
}

// One plan as JSON: its verdict, every rule checked, and the rules waiting or replaced.
nlohmann::json plan_json(const Assessment& a, const RuleSet& set) {
  nlohmann::json p = {{"plan", a.plan},
                      {"kind", a.kind},
                      {"area_ha", a.area_ha},
                      {"verdict", to_string(a.verdict)},
                      {"verdict_label", dutch_label(a.verdict)},
                      {"verdict_colour", rules::verdict_colour(a.verdict)},
                      {"score", a.score},
                      {"notes", a.notes}};
  if (!a.reprojected_from.empty()) p["reprojected_from"] = a.reprojected_from;
  auto& rs = p["rules"] = nlohmann::json::array();
  for (const auto& r : a.results) {
    const Rule& rule = *r.rule;
    nlohmann::json jr = {{"id", rule.id},
                         {"title", rule.title},
                         {"verdict", rule.is_score ? "score" : to_string(rule.verdict)},
                         {"hit", r.area_ha > 0},
                         {"area_ha", r.area_ha},
                         {"share", r.share},
                         {"reason", rule.reason},
                         {"policy",
                          {{"document", rule.policy.document},
                           {"quote", rule.policy.quote},
                           {"page", rule.policy.page}}}};
    if (rule.is_score)
      jr["score"] = rule.score;
    else
      jr["verdict_colour"] = rules::verdict_colour(rule.verdict);  // as on the verdict maps
    if (!rule.conditions.empty()) jr["conditions"] = rule.conditions;
    if (!rule.party.empty()) jr["party"] = rule.party;
    rs.push_back(jr);
  }
  auto& waiting = p["not_checked"] = nlohmann::json::array();
  auto& replaced = p["replaced"] = nlohmann::json::array();
  for (const auto& r : set.rules) {
    if (!r.applies_to(a.kind)) continue;
    if (r.waiting())
      waiting.push_back({{"id", r.id}, {"title", r.title}, {"needs", r.needs}});
    else if (!r.replaced_now.empty())
      replaced.push_back({{"id", r.id}, {"title", r.title}, {"by", r.replaced_now}});
  }
  return p;
}

std::string assessments_json(const std::vector<Assessment>& all, const RuleSet& set) {
  nlohmann::json j;
  j["ruleset"] = {{"name", set.name}, {"version", set.version}, {"file", set.file.string()}};
  auto& plans = j["plans"] = nlohmann::json::array();
  for (const auto& a : all) plans.push_back(plan_json(a, set));
  return json_text(j, 2, "the assessment") + "\n";
}

// Many plans: one table, columns as wide as their longest entry (UTF-8 aware).
std::string assessments_table(const std::vector<Assessment>& all, const RuleSet& set, bool md) {
  auto width = [](const std::string& t) {
    std::size_t n = 0;
    for (unsigned char c : t) n += (c & 0xC0) != 0x80;
    return n;
  };
  auto pad = [&](const std::string& t, std::size_t w) {
    return t + std::string(w > width(t) ? w - width(t) : 0, ' ');
  };
  std::size_t name_w = 4, kind_w = 5;
  for (const auto& a : all) {
    name_w = std::max(name_w, width(a.plan));
    kind_w = std::max(kind_w, width(kind_title(set, a.kind)));
  }
  std::string out;
  if (md) {
    out += fmt::format(
        "# Toetsing aan {}\n\n| plan | soort | ha | oordeel | regels van toepassing "
        "|\n|---|---|---:|---|---|\n",
        set.name);
  } else {
    out += fmt::format("Toetsing aan {} ({} plannen)\n\n", set.name, all.size());
    out += pad("plan", name_w) + "  " + pad("soort", kind_w) +
           fmt::format("  {:>8}  {:<11} {}\n", "ha", "oordeel", "regels van toepassing");
  }
  for (const auto& a : all) {
    std::string hits;
    for (const auto& r : a.results)
      if (r.area_ha > 0 && !r.rule->is_score)
        hits += (hits.empty() ? "" : ", ") + fmt::format("{} ({} ha)", r.rule->id, ha(r.area_ha));
    if (hits.empty()) hits = "-";
    if (md)
      out += fmt::format("| {} | {} | {} | {} | {} |\n", a.plan, kind_title(set, a.kind),
                         ha(a.area_ha), to_string(a.verdict), hits);
    else
      out += pad(a.plan, name_w) + "  " + pad(kind_title(set, a.kind), kind_w) +
             fmt::format("  {:>8}  {:<11} {}\n", ha(a.area_ha), to_string(a.verdict), hits);
  }
  return out;
}

// One rule that holds in the plan: its verdict, where, why, what to argue, with whom, the source.
std::string hit_text(const RuleResult& r, bool md) {
  const Rule& rule = *r.rule;
  std::string verdict =
      rule.is_score ? fmt::format("score {:+g}", rule.score) : dutch_label(rule.verdict);
  std::string source =
      rule.policy.document + (rule.policy.page.empty() ? "" : ", " + rule.policy.page);
  if (md) {
    std::string why = rule.reason;
    if (!rule.conditions.empty()) {
      why += " Het plan moet aantonen:";
      for (const auto& c : rule.conditions) why += " " + c + ";";
    }
    if (!rule.party.empty()) why += " Afstemmen met: " + rule.party + ".";
    return fmt::format("| {} | {} | {} | {} | {} | {}{} |\n", verdict, ha(r.area_ha), pct(r.share),
                       rule.title, why, source,
                       rule.policy.quote.empty() ? "" : ": \"" + rule.policy.quote + "\"");
  }
  std::string out = fmt::format("  {:<22} {:>8} ha {:>5}  {} [{}]\n", verdict, ha(r.area_ha),
                                pct(r.share), rule.title, rule.id);
  out += fmt::format("      Waarom: {}\n", rule.reason);
  if (!rule.conditions.empty()) {
    out += "      Het plan moet aantonen:\n";
    for (const auto& c : rule.conditions) out += fmt::format("        - {}\n", c);
  }
  if (!rule.party.empty()) out += fmt::format("      Afstemmen met: {}\n", rule.party);
  out += fmt::format("      Bron: {}{}\n", source,
                     rule.policy.quote.empty() ? "" : " — \"" + rule.policy.quote + "\"");
  return out;
}

// The rules of the plan's kind that were not applied: waiting for a layer, or replaced.
std::string unapplied_text(const Assessment& a, const RuleSet& set, bool md) {
  std::string waiting, replaced;
  for (const auto& r : set.rules) {
    if (!r.applies_to(a.kind)) continue;
    if (r.waiting()) {
      std::string needs;
      for (const auto& n : r.needs) needs += (needs.empty() ? "" : ", ") + n;
      waiting += fmt::format("{}{} (wacht op: {})", waiting.empty() ? "" : "; ", r.title, needs);
    } else if (!r.replaced_now.empty()) {
      auto by = std::find_if(set.rules.begin(), set.rules.end(),
                             [&](const Rule& o) { return o.id == r.replaced_now; });
      replaced += fmt::format("{}{} (vervangen door: {})", replaced.empty() ? "" : "; ", r.title,
                              by == set.rules.end() ? r.replaced_now : by->title);
    }
  }
  std::string out;
  if (!waiting.empty())
    out += fmt::format("{}Niet getoetst, deze regels staan uit tot hun kaartlaag er is: {}\n",
                       md ? "\n" : "  ", waiting);
  if (!replaced.empty())
    out += fmt::format("{}Niet meer toegepast, een betere regel neemt hun plaats in: {}\n",
                       md ? "\n" : "  ", replaced);
  return out;
}

// One plan in full: the verdict, the rules that hold (strictest first, score rules last), the
// score, the rules not applied and the notes.
std::string plan_text(const Assessment& a, const RuleSet& set, bool md) {
  std::size_t checked = a.results.size(), hit = 0;
  for (const auto& r : a.results) hit += r.area_ha > 0;
  std::string out;
  if (md) {
    out += fmt::format(
        "# {} — {}\n\n**Oordeel: {}** (de strengste regel die van toepassing is). Oppervlakte {} "
        "ha; "
        "{} regels getoetst, {} van toepassing.\n\n",
        a.plan, kind_title(set, a.kind), dutch_label(a.verdict), ha(a.area_ha), checked, hit);
    out += "| oordeel | ha | % | regel | waarom | bron |\n|---|---:|---:|---|---|---|\n";
  } else {
    out += fmt::format(
        "Plan \"{}\" — {} — {} ha\nOordeel: {} (de strengste regel die van toepassing is)\n{} "
        "regels getoetst ({}), {} van toepassing.\n\n",
        a.plan, kind_title(set, a.kind), ha(a.area_ha), dutch_label(a.verdict), checked, set.name,
        hit);
  }
  std::vector<const RuleResult*> hits;
  for (const auto& r : a.results)
    if (r.area_ha > 0) hits.push_back(&r);
  std::stable_sort(hits.begin(), hits.end(), [](const RuleResult* x, const RuleResult* y) {
    int vx = x->rule->is_score ? -1 : static_cast<int>(x->rule->verdict);
    int vy = y->rule->is_score ? -1 : static_cast<int>(y->rule->verdict);
    return vx > vy;
  });
  for (const RuleResult* r : hits) out += hit_text(*r, md);
  if (hits.empty())
    out += md ? "| vrij | | | geen regel van toepassing | | |\n"
              : "  Geen enkele regel is van toepassing: het plan ligt vrij.\n";
  out += fmt::format("\n{}Geschiktheidsscore (gemiddeld over het plan): {:+.2f}\n", md ? "" : "  ",
                     a.score);
  out += unapplied_text(a, set, md);
  if (!a.reprojected_from.empty())
    out += fmt::format("{}Let op: omgerekend van {} naar {}\n", md ? "\n> " : "  ",
                       a.reprojected_from, a.crs);
  for (const auto& n : a.notes) out += fmt::format("{}Let op: {}\n", md ? "\n> " : "  ", n);
  return out + "\n";
}

}  // namespace

ReportFormat parse_report_format(const std::string& s) {
  if (s == "text") return ReportFormat::Text;
  if (s == "json") return ReportFormat::Json;
  if (s == "markdown" || s == "md") return ReportFormat::Markdown;
  fail("unknown format '{}': use text, json or markdown", s);
}

std::string format_assessments(const std::vector<Assessment>& all, const RuleSet& set,
                               ReportFormat format) {
  if (format == ReportFormat::Json) return assessments_json(all, set);
  const bool md = format == ReportFormat::Markdown;
  if (all.size() > 1) return assessments_table(all, set, md);
  std::string out;
  for (const auto& a : all) out += plan_text(a, set, md);
  return out;
}

}  // namespace casco::present
