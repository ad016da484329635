#pragma once
// Plan assessments (rules::assess) as people and programs read them: plain-Dutch text with every
// rule that holds, why, what the plan must argue and the policy it rests on; a Markdown page; or
// JSON (the viewer's verdict panel), with the verdict maps' colours.
#include <string>
#include <vector>

#include "rules/assess.hpp"
#include "rules/rules.hpp"

namespace casco::present {

enum class ReportFormat { Text, Json, Markdown };
// "text", "json", "markdown" (or "md"); throws casco::Error naming the choices otherwise.
ReportFormat parse_report_format(const std::string& s);
// One plan in full, or a table for several; JSON always lists every plan in full.
std::string format_assessments(const std::vector<rules::Assessment>& all, const rules::RuleSet& set,
                               ReportFormat format);

}  // namespace casco::present
