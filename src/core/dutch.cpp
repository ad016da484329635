#include "core/dutch.hpp"

#include <fmt/format.h>

#include <cmath>

namespace casco {

std::string dutch_number(double v, int decimals, bool trim_zeros) {
  std::string s = fmt::format("{:.{}f}", std::abs(v), decimals < 0 ? 0 : decimals);
  if (trim_zeros && s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  const auto dot = s.find('.');
  const std::string digits = s.substr(0, dot);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  if (dot != std::string::npos) {
    out += ',';
    out.append(s, dot + 1, std::string::npos);
  }
  // No "-0": a value that rounds to zero has no sign.
  const bool negative = v < 0 && out.find_first_not_of("0.,") != std::string::npos;
  return negative ? "-" + out : out;
}

}  // namespace casco
