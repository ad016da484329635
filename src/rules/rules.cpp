#include "rules/rules.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/toml_reader.hpp"

namespace casco::rules {
namespace {

// "Woningbouw" → "woningbouw" (titles of kinds start with a capital, sentences need it small).
std::string lower_first_ascii(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

}  // namespace
TextOrigin origin_of(const std::string& file, const toml::node& n) {
  const auto& b = n.source().begin;
  return {file, static_cast<int>(b.line), static_cast<int>(b.column) + 1};
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Vrij:
      return "vrij";
    case Verdict::Voorwaarde:
      return "voorwaarde";
    case Verdict::Afstemming:
      return "afstemming";
    case Verdict::NeeTenzij:
      return "nee_tenzij";
    case Verdict::Verboden:
      return "verboden";
  }
  return "?";
}

const char* verdict_colour(Verdict v) {
  static const char* colours[5] = {"#1a9641", "#a6d96a", "#fdae61", "#f46d43", "#d7191c"};
  return colours[static_cast<int>(v)];
}

LayerRecord verdict_record(const RuleSet& set, const std::string& kind) {
  const Kind& k = set.kind(kind);
  LayerRecord rec;
  rec.id = "geschiktheid_" + kind;
  rec.title =
      fmt::format("Waar past {}? Oordeel van het afwegingskader", lower_first_ascii(k.title));
  rec.group = set.group;
  rec.unit = "";
  rec.derivation = "rules";
  rec.description = fmt::format("{} {}", set.name, set.version);
  rec.source = set.file.filename().string();
  LayerDescription& d = rec.describe;
  d.role = role::kVerdict;
  d.params = {{"kind", kind}, {"kind_title", k.title}};
  d.style.kind = LayerStyle::Kind::Classes;
  for (int v = 0; v <= 4; ++v) {
    auto verdict = static_cast<Verdict>(v);
    d.style.classes.push_back(
        {static_cast<double>(v), dutch_label(verdict), verdict_colour(verdict)});
  }
  return rec;
}

LayerRecord score_record(const RuleSet& set, const std::string& kind) {
  LayerRecord rec = verdict_record(set, kind);
  rec.id += "_score";
  rec.title = fmt::format("Geschiktheid voor {}: som van de scoreregels",
                          lower_first_ascii(set.kind(kind).title));
  rec.unit = "punten";
  LayerDescription& d = rec.describe;
  d.role = role::kScore;
  d.style = {};
  d.style.ramp = "roodgroen";  // symmetric around 0: below 0 red, above green
  d.params["legend_note"] = "rood: minder geschikt, groen: beter geschikt";
  d.decimals = 1;
  return rec;
}

const char* dutch_label(Verdict v) {
  switch (v) {
    case Verdict::Vrij:
      return "vrij";
    case Verdict::Voorwaarde:
      return "toegestaan onder voorwaarden";
    case Verdict::Afstemming:
      return "afstemming vereist";
    case Verdict::NeeTenzij:
      return "nee, tenzij";
    case Verdict::Verboden:
      return "verboden";
  }
  return "?";
}

bool Rule::applies_to(const std::string& kind) const {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

const Kind& RuleSet::kind(const std::string& id) const {
  for (const auto& k : kinds)
    if (k.id == id) return k;
  std::string names;
  for (const auto& k : kinds) names += (names.empty() ? "" : ", ") + k.id;
  fail("{}: unknown kind of development '{}' (kinds: {})", file.string(), id, names);
}

namespace {

// Reads [ruleset]: the rule set's name, version, description and store group.
void read_ruleset(const TomlReader& ctx, const toml::table& root, const std::filesystem::path& file,
                  RuleSet& set) {
  const toml::table* rs = root["ruleset"].as_table();
  if (!rs) fail("{}: missing [ruleset] (name, version)", file.string());
  ctx.check_keys(*rs, "[ruleset]", {"name", "version", "description", "group"});
  set.group = ctx.text(*rs, "group", false, "[ruleset]", set.group);
  set.name = ctx.text(*rs, "name", true, "[ruleset]");
  set.version = ctx.text(*rs, "version", false, "[ruleset]");
  set.description = ctx.text(*rs, "description", false, "[ruleset]");
}

// Whether `c` is written "#rrggbb".
bool is_hex_colour(const std::string& c) {
  return c.size() == 7 && c[0] == '#' && std::all_of(c.begin() + 1, c.end(), [](char ch) {
           return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
         });
}

// Reads [kinds.*]: the kinds of development the rules judge.
void read_kinds(const TomlReader& ctx, const toml::table& root, const std::filesystem::path& file,
                RuleSet& set) {
  const toml::table* kinds = root["kinds"].as_table();
  if (!kinds || kinds->empty())
    fail("{}: no kinds of development: add [kinds.woningbouw] title = \"Woningbouw\" etc.",
         file.string());
  for (auto&& [id, node] : *kinds) {
    const toml::table* kt = node.as_table();
    if (!kt) ctx.error_at(node, "each kind is a table: [kinds.NAME] with a title");
    std::string where = fmt::format("[kinds.{}]", id.str());
    ctx.check_keys(*kt, where, {"title", "description", "colour"});
    set.kinds.push_back({std::string(id.str()), ctx.text(*kt, "title", true, where),
                         ctx.text(*kt, "description", false, where),
                         ctx.text(*kt, "colour", false, where)});
    const std::string& c = set.kinds.back().colour;
    if (!c.empty() && !is_hex_colour(c))
      ctx.error_at(*kt->get("colour"), fmt::format("colour '{}': write \"#rrggbb\"", c));
  }
}

// Reads a rule's 'kinds': kinds of the set, or ["*"] (stored as none) for every kind.
void read_rule_kinds(const TomlReader& ctx, const toml::table& t, const std::string& where,
                     const RuleSet& set, Rule& r) {
  r.kinds = ctx.texts(t, "kinds", where);
  if (r.kinds.empty())
    ctx.error_at(t, where + " needs 'kinds' (a list, or [\"*\"] for every kind)");
  if (r.kinds.size() == 1 && r.kinds[0] == "*") r.kinds.clear();
  for (const auto& k : r.kinds)
    if (std::none_of(set.kinds.begin(), set.kinds.end(),
                     [&](const Kind& kd) { return kd.id == k; })) {
      std::string names;
      for (const auto& kd : set.kinds) names += (names.empty() ? "" : ", ") + kd.id;
      ctx.error_at(*t.get("kinds"),
                   fmt::format("{}: unknown kind '{}' (kinds: {})", where, k, names));
    }
}

// Reads a rule's 'verdict', and its 'score' when the verdict is "score".
void read_verdict(const TomlReader& ctx, const toml::table& t, const std::string& where, Rule& r) {
  std::string verdict = ctx.text(t, "verdict", true, where);
  static const std::map<std::string, Verdict> verdicts = {{"verboden", Verdict::Verboden},
                                                          {"nee_tenzij", Verdict::NeeTenzij},
                                                          {"afstemming", Verdict::Afstemming},
                                                          {"voorwaarde", Verdict::Voorwaarde}};
  if (verdict == "score") {
    r.is_score = true;
    const toml::node* s = t.get("score");
    auto v = s ? s->value<double>() : std::nullopt;
    if (!v || !std::isfinite(*v))
      ctx.error_at(s ? *s : static_cast<const toml::node&>(t),
                   where + ": verdict = \"score\" needs score = a finite number (e.g. 2 or -1.5)");
    r.score = *v;
  } else if (auto it = verdicts.find(verdict); it != verdicts.end()) {
    r.verdict = it->second;
    if (t.get("score"))
      ctx.error_at(*t.get("score"), where + ": 'score' belongs to verdict = \"score\"");
  } else {
    ctx.error_at(
        *t.get("verdict"),
        fmt::format(
            "{}: verdict '{}' must be verboden, nee_tenzij, afstemming, voorwaarde or score", where,
            verdict));
  }
}

// Reads a rule's 'policy' (required): the document it comes from, a quote and the page.
void read_policy(const TomlReader& ctx, const toml::table& t, const std::string& where, Rule& r) {
  if (const toml::node* p = t.get("policy")) {
    const toml::table* pt = p->as_table();
    if (!pt)
      ctx.error_at(*p,
                   where + ": policy = { document = \"...\", quote = \"...\", page = \"...\" }");
    ctx.check_keys(*pt, where + ".policy", {"document", "quote", "page"});
    r.policy = {ctx.text(*pt, "document", true, where + ".policy"),
                ctx.text(*pt, "quote", false, where + ".policy"),
                ctx.text(*pt, "page", false, where + ".policy")};
  } else {
    ctx.error_at(t, where + " needs 'policy' (the document it comes from, with a quote)");
  }
}

// Reads a rule's 'enabled' switch (on when it is not given).
void read_switch(const TomlReader& ctx, const toml::table& t, const std::string& where, Rule& r) {
  if (const toml::node* e = t.get("enabled")) {
    if (e->is_boolean())
      r.switched = e->as_boolean()->get() ? Rule::Switch::On : Rule::Switch::Off;
    else if (e->is_string() && e->as_string()->get() == "when_available")
      r.switched = Rule::Switch::WhenAvailable;
    else
      ctx.error_at(*e, where +
                           ": 'enabled' is true, false or \"when_available\" (on as soon as the "
                           "model has every layer the rule reads)");
  }
}

// Reads one [[rule]] table; `ids` holds the ids of the rules before it.
Rule read_rule(const TomlReader& ctx, const toml::table& t, const std::filesystem::path& file,
               const RuleSet& set, std::set<std::string>& ids) {
  Rule r;
  r.line = static_cast<int>(t.source().begin.line);
  r.id = ctx.text(t, "id", true, "a rule");
  std::string where = fmt::format("rule '{}'", r.id);
  if (!ids.insert(r.id).second)
    ctx.error_at(*t.get("id"), fmt::format("rule id '{}' is used twice", r.id));
  ctx.check_keys(t, where,
                 {"id", "title", "kinds", "when", "verdict", "reason", "conditions", "party",
                  "score", "policy", "enabled", "needs", "replaced_by"});
  r.title = ctx.text(t, "title", true, where);
  r.reason = ctx.text(t, "reason", true, where);
  r.when = ctx.text(t, "when", true, where);
  read_rule_kinds(ctx, t, where, set, r);
  read_verdict(ctx, t, where, r);
  r.conditions = ctx.texts(t, "conditions", where);
  r.party = ctx.text(t, "party", false, where);
  if (!r.is_score && r.verdict == Verdict::NeeTenzij && r.conditions.empty())
    ctx.error_at(t, where + ": a 'nee_tenzij' rule lists the 'conditions' a plan must argue");
  if (!r.is_score && r.verdict == Verdict::Afstemming && r.party.empty())
    ctx.error_at(t, where + ": an 'afstemming' rule names the 'party' to consult");
  read_policy(ctx, t, where, r);
  read_switch(ctx, t, where, r);
  r.needs = ctx.texts(t, "needs", where);
  if (r.switched == Rule::Switch::Off && r.needs.empty())
    ctx.error_at(t, where + ": a disabled rule names the layer(s) it 'needs'");
  r.when_origin = origin_of(file.string(), *t.get("when"));
  // Syntax errors now, with line and column.
  const Expression when = Expression::parse(r.when, r.when_origin);
  if (r.switched == Rule::Switch::WhenAvailable)
    for (const auto& name : when.layers())
      if (std::find(r.needs.begin(), r.needs.end(), name) == r.needs.end()) r.needs.push_back(name);
  r.enabled = r.switched == Rule::Switch::On;  // until switch_rules sees the model
  r.replaced_by = ctx.texts(t, "replaced_by", where);
  return r;
}

// Checks replaced_by: rules of this file, not replaced themselves, covering the replaced kinds.
void check_replacements(
    const TomlReader& ctx, const RuleSet& set,
    const std::vector<std::pair<std::size_t, const toml::node*>>& replacements) {
  for (const auto& [i, node] : replacements) {
    const Rule& r = set.rules[i];
    for (const auto& id : r.replaced_by) {
      auto it = std::find_if(set.rules.begin(), set.rules.end(),
                             [&](const Rule& o) { return o.id == id; });
      if (it == set.rules.end())
        ctx.error_at(*node, fmt::format("rule '{}': replaced_by names '{}', which is not a rule "
                                        "id in this file",
                                        r.id, id));
      if (it->id == r.id)
        ctx.error_at(*node, fmt::format("rule '{}': a rule cannot replace itself", r.id));
      for (const auto& k : r.kinds.empty() ? std::vector<std::string>{"*"} : r.kinds)
        if (!it->kinds.empty() && (k == "*" || !it->applies_to(k)))
          ctx.error_at(*node, fmt::format("rule '{}': its replacement '{}' does not apply to {}; "
                                          "a replacement covers every kind of the rule it "
                                          "replaces (add the kind to its kinds)",
                                          r.id, id, k == "*" ? "every kind" : "kind '" + k + "'"));
      if (!it->replaced_by.empty())
        ctx.error_at(*node,
                     fmt::format("rule '{}': its replacement '{}' is replaced by other rules "
                                 "itself; name the last rule of the chain in replaced_by",
                                 r.id, id));
    }
  }
}

}  // namespace

RuleSet parse_rules(const std::string& source, const std::filesystem::path& file) {
  TomlReader ctx(file.string());
  toml::table root = ctx.parse(source);
  ctx.check_keys(root, "the rule file", {"ruleset", "kinds", "rule"});
  RuleSet set;
  set.file = file;
  read_ruleset(ctx, root, file, set);
  read_kinds(ctx, root, file, set);

  const toml::array* rules = root["rule"].as_array();
  if (!rules) fail("{}: no rules: add [[rule]] tables", file.string());
  std::set<std::string> ids;
  std::vector<std::pair<std::size_t, const toml::node*>> replacements;  // rule index, its key
  for (const auto& node : *rules) {
    const toml::table* t = node.as_table();
    if (!t) ctx.error_at(node, "each [[rule]] must be a table");
    Rule r = read_rule(ctx, *t, file, set, ids);
    if (!r.replaced_by.empty()) replacements.emplace_back(set.rules.size(), t->get("replaced_by"));
    set.rules.push_back(std::move(r));
  }
  check_replacements(ctx, set, replacements);
  return set;
}

RuleSet load_rules(const std::filesystem::path& file) {
  return parse_rules(TomlReader::read_file(file.string(), "rule file"), file);
}

RuleSet load_rules(const std::filesystem::path& file,
                   const std::vector<std::string>& model_layers) {
  RuleSet set = load_rules(file);
  switch_rules(set, model_layers);
  return set;
}

namespace {

bool has_all(const std::vector<std::string>& model_layers, const std::vector<std::string>& ids) {
  return std::all_of(ids.begin(), ids.end(), [&](const std::string& n) {
    return std::find(model_layers.begin(), model_layers.end(), n) != model_layers.end();
  });
}

// On by its own switch, before any replacement.
bool switched_on(const Rule& r, const std::vector<std::string>& model_layers) {
  switch (r.switched) {
    case Rule::Switch::On:
      return true;
    case Rule::Switch::Off:
      return false;
    case Rule::Switch::WhenAvailable:
      return has_all(model_layers, r.needs);
  }
  return false;
}

}  // namespace

bool rule_is_on(const RuleSet& set, const Rule& rule, const std::vector<std::string>& model_layers,
                std::string* replaced_by_rule) {
  if (replaced_by_rule) replaced_by_rule->clear();
  if (!switched_on(rule, model_layers)) return false;
  // Replacements are not replaced themselves (parse_rules), so one level decides.
  for (const auto& id : rule.replaced_by)
    for (const Rule& o : set.rules)
      if (o.id == id && switched_on(o, model_layers)) {
        if (replaced_by_rule) *replaced_by_rule = id;
        return false;
      }
  return true;
}

void switch_rules(RuleSet& set, const std::vector<std::string>& model_layers) {
  set.switches.clear();
  for (Rule& r : set.rules) {
    r.enabled = rule_is_on(set, r, model_layers, &r.replaced_now);
    if (!r.replaced_now.empty())
      set.switches.push_back(fmt::format(
          "rule '{}' steps aside: '{}', which replaces it (replaced_by), applies to this model",
          r.id, r.replaced_now));
    else if (r.enabled && r.switched == Rule::Switch::WhenAvailable)
      set.switches.push_back(
          fmt::format("rule '{}' is on: the model has the layer(s) it needs ({})", r.id,
                      fmt::join(r.needs, ", ")));
  }
}

CompiledRules::CompiledRules(const RuleSet& set, const std::string& kind,
                             const std::vector<std::string>& model_layers)
    : kind_(kind) {
  set.kind(kind);  // validates
  std::vector<Expression> parsed;
  for (const auto& r : set.rules) {
    if (!r.applies_to(kind) || !rule_is_on(set, r, model_layers)) continue;
    Expression e = Expression::parse(r.when, r.when_origin);
    for (const auto& name : e.layers()) {
      if (std::find(model_layers.begin(), model_layers.end(), name) == model_layers.end()) {
        Expression check = Expression::parse(r.when, r.when_origin);
        check.bind(model_layers, kind);  // throws with the position and the list of layers
      }
      if (std::find(layers_.begin(), layers_.end(), name) == layers_.end()) layers_.push_back(name);
    }
    rules_.push_back(&r);
    parsed.push_back(std::move(e));
  }
  for (auto& e : parsed) e.bind(layers_, kind);
  conditions_ = std::move(parsed);
  // A rule switched off for want of data whose layers the model now has (e.g. after casco data
  // fetch and an include): it is not switched on silently — its text needs a planner's review.
  for (const auto& r : set.rules) {
    if (r.switched != Rule::Switch::Off || !r.applies_to(kind) || r.needs.empty()) continue;
    const bool all_there = std::all_of(r.needs.begin(), r.needs.end(), [&](const std::string& n) {
      return std::find(model_layers.begin(), model_layers.end(), n) != model_layers.end();
    });
    if (all_there)
      notes_.push_back(fmt::format(
          "rule '{}' is switched off (enabled = false) but the model now has the layer(s) it "
          "needs ({}): review it and set enabled = true in {}:{} to apply it",
          r.id, fmt::join(r.needs, ", "), r.when_origin.file, r.when_origin.line));
  }
  // Same condition, different verdicts: allowed (the strictest wins), but reported.
  for (std::size_t i = 0; i < rules_.size(); ++i)
    for (std::size_t j = i + 1; j < rules_.size(); ++j) {
      const Rule& a = *rules_[i];
      const Rule& b = *rules_[j];
      if (a.when == b.when && (a.is_score != b.is_score || a.verdict != b.verdict) &&
          !(a.is_score && b.is_score))
        notes_.push_back(fmt::format(
            "rules '{}' and '{}' have the same condition but different verdicts", a.id, b.id));
    }
}

}  // namespace casco::rules
