#pragma once
// The tables of a scenario (casco allocate) and of the comparison of two (casco compare): the
// claims (met, shadow price, why not) and the hectares per zone, as plain-Dutch text, CSV or JSON.
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace casco::present {

// The claims and the table per zone: format "text", "csv" or "json".
std::string format_scenario(const scenario::ScenarioResult& r,
                            const std::vector<scenario::ZoneKindArea>& zones,
                            const std::string& format);

// Why a claim falls short of its minimum, in a sentence: the hectares needed, given and short,
// and what keeps its region's land from it (verboden, nee-tenzij, conversion table, variant).
std::string shortfall_text(const scenario::ClaimReport& rep);

// The claims and the zones as CSV (claims.csv, gebieden.csv).
std::string claims_csv(const scenario::ScenarioResult& r);
std::string zones_csv(const std::vector<std::string>& kinds,
                      const std::vector<scenario::ZoneKindArea>& z);

// Two allocations side by side: hectares per zone and kind, A → B ("text", "csv" or "json").
std::string format_comparison(const scenario::Comparison& c, const std::string& format);
// The sentence the change map carries when A and B are the same everywhere ("" otherwise).
std::string change_note(const scenario::Comparison& c);

}  // namespace casco::present
