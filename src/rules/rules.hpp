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
  bool enabled = true;
  std::vector<std::string> needs;  // layers a disabled rule waits for
  TextOrigin when_origin;          // where `when` starts in the file
  int line = 0;

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

// The enabled rules for one kind, with their conditions bound to a model's layers. Throws
// casco::Error for a condition naming a layer the model does not have.
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
