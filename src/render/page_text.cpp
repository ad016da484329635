// Text on a quick-look page: Dutch numbers, measured and wrapped lines.
#include <algorithm>
#include <cmath>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "render/page.hpp"

namespace casco::page {

// ---------------------------------------------------------------- numbers (Dutch notation)

// 1234.5 -> "1.234,5": dots group thousands, a comma marks decimals, trailing zeros dropped.
std::string nl_number(double v, int decimals) {
  return dutch_number(v, decimals, true);
}

// Enough decimals to tell legend values apart (about three significant digits).
std::string nl_auto(double v) {
  double a = std::fabs(v);
  int decimals = a >= 100  ? 0
                 : a >= 10 ? 1
                 : a >= 1  ? 2
                 : a > 0   ? 2 - static_cast<int>(std::floor(std::log10(a)))
                           : 0;
  return nl_number(v, std::min(decimals, 6));
}

// ---------------------------------------------------------------- cairo helpers

// `subject` names the map: "the map of layer 'x'".
void check(cairo_status_t st, const std::string& subject, const char* what) {
  if (st != CAIRO_STATUS_SUCCESS)
    fail("cannot draw {} ({}): cairo: {}", subject, what, cairo_status_to_string(st));
}

double text_width(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  return e.x_advance;
}

// Draws with the baseline at y; align 0 = left, 0.5 = centre, 1 = right of x.
void draw_text(cairo_t* cr, double x, double y, const std::string& s, Rgb c, double align) {
  set_colour(cr, c);
  cairo_move_to(cr, x - align * text_width(cr, s), y);
  cairo_show_text(cr, s.c_str());
  cairo_new_path(cr);
}

// Splits at spaces so that every line fits `width` (a single long word keeps its own line).
std::vector<std::string> wrap(cairo_t* cr, const std::string& text, double width) {
  std::vector<std::string> lines;
  std::string line, word;
  auto flush_word = [&] {
    if (word.empty()) return;
    std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && text_width(cr, candidate) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = candidate;
    }
    word.clear();
  };
  for (char ch : text) {
    if (ch == ' ')
      flush_word();
    else
      word += ch;
  }
  flush_word();
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace casco::page
