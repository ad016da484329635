#pragma once
// Numbers and units as the report's readers read them: Dutch notation (1.234,5), a
// non-breaking space before the unit, shares below 10 % with one decimal.
#include <string>

namespace casco::report {

std::string number(double v, int decimals = 0);
std::string percent(double share);  // 0.123 -> "12 %", 0.034 -> "3,4 %", 0.0004 -> "minder …"
std::string hectares(double ha);    // "1.234 ha", "3,5 ha"
std::string km2(double ha);         // hectares as square kilometres: "267,9 km²"
std::string km(double metres);      // "2,1 km"
std::string whole_minutes(double minutes);  // "12", "–" for no value
// "2026-11-24T01:01:14Z" -> "24 november 2026"; other text is returned as it is.
std::string nl_date(const std::string& iso);
// "Woningbouw" -> "woningbouw" inside a sentence; names that start with two capitals or a capital
// and a digit ("NNN", "A28") are left alone.
std::string lower_first(std::string s);
std::string upper_first(std::string s);
// PNG bytes as a data: URI for an <img>.
std::string png_data_uri(const std::string& png);

}  // namespace casco::report
