#pragma once
// The afwegingskader: a declarative rule file (rules.toml, docs/rules.md) that judges a plan —
// a polygon and a kind of development — rule by rule, and maps where each kind fits.
#include <toml++/toml.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "condition/expression.hpp"
#include "model/store.hpp"

namespace casco::rules {

using condition::Expression;
using condition::TextOrigin;

// From mild to strict; a plan's overall verdict is the strictest rule it hits.
enum class Verdict { Vrij = 0, Voorwaarde = 1, Afstemming = 2, NeeTenzij = 3, Verboden = 4 };
const char* to_string(Verdict v);  // "vrij", "voorwaarde", "afstemming", "nee_tenzij", "verboden"
const char* dutch_label(
    Verdict v);  // "vrij", "voorwaarde", "afstemming vereist", "nee, tenzij", "verboden"

struct Policy {
  std::string document, quote, page;
};

struct Rule {
  std::string id, title, reason, when;
  std::vector<std::string> kinds;  // empty: every kind
  bool is_score = false;           // verdict = "score"
  Verdict verdict = Verdict::Vrij;
  double score = 0;
  std::vector<std::string> conditions;  // what a plan must argue (nee_tenzij, voorwaarde)
  std::string party;                    // who to consult (afstemming)
  Policy policy;
  // How the file switches the rule (docs/rules.md, "Rules that wait for data"): `enabled = true`
  // (On), `false` (Off: waits for a planner to switch it on) or `"when_available"` (on as soon
  // as the model has every layer in `needs`, which then also holds the layers `when` reads).
  enum class Switch { On, Off, WhenAvailable };
  Switch switched = Switch::On;
  std::vector<std::string> needs;        // layers the rule waits for
  std::vector<std::string> replaced_by;  // rules that take this one's place while they apply
  TextOrigin when_origin;                // where `when` starts in the file
  int line = 0;

  // The rule's state against a model (switch_rules; before that, as the file says): whether it
  // is applied and, if it stepped aside, the id of the rule that took its place.
  bool enabled = true;
  std::string replaced_now;
  // Not applied for want of data (reports list it as "niet getoetst"); a replaced rule is not
  // waiting: its successor applies.
  bool waiting() const { return !enabled && replaced_now.empty(); }

  bool applies_to(const std::string& kind) const;
};

struct Kind {
  std::string id, title, description;
  std::string colour;  // "#rrggbb" on maps (opgavenkaart); "" = one from the class palette
};

struct RuleSet {
  std::filesystem::path file;
  std::string name, version, description;
  std::string group = "geschiktheid";  // the store group of the suitability layers
  std::vector<Kind> kinds;
  std::vector<Rule> rules;
  // Set by switch_rules: one sentence per rule that switched on or stepped aside because of the
  // model's layers, for the log ("rule 'x' is on: the model has a, b").
  std::vector<std::string> switches;

  // Throws casco::Error listing the kinds when `id` is unknown.
  const Kind& kind(const std::string& id) const;
};

// The colours of the verdict classes, mild to strict (vrij … verboden), as "#rrggbb".
const char* verdict_colour(Verdict v);

// Store records (with descriptions, model/describe.hpp) of a kind's suitability maps: the verdict
// class per cell (geschiktheid_<kind>, role verdict) and the score (geschiktheid_<kind>_score,
// role score).
LayerRecord verdict_record(const RuleSet& set, const std::string& kind);
LayerRecord score_record(const RuleSet& set, const std::string& kind);

// Where the text of a one-line TOML string value starts in its file (inside the quotes), so the
// errors of an expression written there point at line and column.
TextOrigin origin_of(const std::string& file, const toml::node& value);

// Parses and checks a rule file (syntax of every condition included); errors name file:line:col.
RuleSet load_rules(const std::filesystem::path& file);
RuleSet parse_rules(const std::string& text, const std::filesystem::path& file);

// Whether a rule applies to a model with these layers: an On rule always, an Off rule never, a
// "when_available" rule when the model has every layer it needs; and in each case only while no
// rule of its `replaced_by` applies. Returns that rule's id in *replaced_by_rule when one does.
bool rule_is_on(const RuleSet& set, const Rule& rule, const std::vector<std::string>& model_layers,
                std::string* replaced_by_rule = nullptr);

// Settles every rule's state (enabled, replaced_now) against a model's layers and fills
// set.switches. Everything that reports rules (assessments, the report, the viewer) reads that
// state, so call this once the store is known — or use the load_rules overload below.
void switch_rules(RuleSet& set, const std::vector<std::string>& model_layers);
RuleSet load_rules(const std::filesystem::path& file, const std::vector<std::string>& model_layers);

// The rules that are on (rule_is_on) for one kind, with their conditions bound to a model's
// layers. Throws casco::Error for a condition of such a rule naming a layer the model does not
// have.
class CompiledRules {
 public:
  CompiledRules(const RuleSet& set, const std::string& kind,
                const std::vector<std::string>& model_layers);
  const std::string& kind() const { return kind_; }
  const std::vector<const Rule*>& rules() const { return rules_; }
  const Expression& condition(std::size_t i) const { return conditions_[i]; }
  // The model layers the rules read, in slot order: evaluate() wants a pointer for each.
  const std::vector<std::string>& layers() const { return layers_; }
  // Rules whose conditions are the same text but whose verdicts differ, and verboden rules that
  // overlap positive score rules: allowed, but worth a planner's look.
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  std::string kind_;
  std::vector<const Rule*> rules_;
  std::vector<Expression> conditions_;
  std::vector<std::string> layers_;
  std::vector<std::string> notes_;
};

}  // namespace casco::rules
