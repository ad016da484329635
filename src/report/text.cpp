#include "report/text.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/dutch.hpp"

namespace casco::report {
namespace {
const std::string kNbsp = "\u00a0";
}

std::string number(double v, int decimals) {
  return std::isfinite(v) ? dutch_number(v, decimals) : "–";
}

std::string percent(double share) {
  const double p = 100 * share;
  if (!std::isfinite(p)) return "–";
  if (p > 0 && p < 0.05) return "minder dan 0,1" + kNbsp + "%";
  if (p < 100 && p > 99.5) return "meer dan 99,5" + kNbsp + "%";
  return number(p, p < 10 && p != 0 ? 1 : 0) + kNbsp + "%";
}

std::string hectares(double ha) {
  return number(ha, ha < 10 && ha != 0 ? 1 : 0) + kNbsp + "ha";
}

std::string km2(double ha) {
  const double k = ha / 100;
  return number(k, k < 100 ? 1 : 0) + kNbsp + "km²";
}

std::string km(double metres) {
  return number(metres / 1000, 1) + kNbsp + "km";
}

std::string whole_minutes(double minutes) {
  return std::isfinite(minutes) ? dutch_number(minutes, 0) : "–";
}

std::string nl_date(const std::string& iso) {
  static const char* months[12] = {"januari",   "februari", "maart",    "april",
                                   "mei",       "juni",     "juli",     "augustus",
                                   "september", "oktober",  "november", "december"};
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return iso;
  const int y = std::atoi(iso.substr(0, 4).c_str()), m = std::atoi(iso.substr(5, 2).c_str()),
            d = std::atoi(iso.substr(8, 2).c_str());
  if (m < 1 || m > 12) return iso;
  return fmt::format("{} {} {}", d, months[m - 1], y);
}

std::string lower_first(std::string s) {
  if (s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) &&
      !std::isupper(static_cast<unsigned char>(s[1])) &&
      !std::isdigit(static_cast<unsigned char>(s[1])))
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string upper_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string png_data_uri(const std::string& bytes) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out = "data:image/png;base64,";
  out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
  auto byte = [&](std::size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(bytes[i]));
  };
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = byte(i) << 16;
    out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
  }
  return out;
}

}  // namespace casco::report
