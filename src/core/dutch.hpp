#pragma once
// Numbers the Dutch way for tables and reports: thousands with '.', decimals with ',' (1.234,5).
#include <string>

namespace casco {

// trim_zeros drops trailing decimal zeros (legends: "2,5" rather than "2,50").
std::string dutch_number(double v, int decimals = 0, bool trim_zeros = false);

}  // namespace casco
