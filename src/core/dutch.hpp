#pragma once
// Numbers the Dutch way for tables and reports: thousands with '.', decimals with ',' (1.234,5).
#include <string>

namespace casco {

std::string dutch_number(double v, int decimals = 0);

}  // namespace casco
