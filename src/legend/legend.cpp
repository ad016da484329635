#include "legend/legend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/dutch.hpp"
#include "core/error.hpp"

namespace casco::legend {
namespace {

// Sequential and diverging ramps as evenly spaced 0xRRGGBB stops, low to high.
const std::vector<unsigned> kViridis = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c,
                                        0x28ae80, 0x5ec962, 0xaddc30, 0xfde725};
// ColorBrewer YlGn without its near-white start: 0 is left uncoloured, so the lowest share must
// still read as "some".
const std::vector<unsigned> kGreens = {0xd9f0a3, 0xaddd8e, 0x78c679, 0x41ab5d,
                                       0x238443, 0x006837, 0x004529};
// ColorBrewer YlOrRd (counts and amounts).
const std::vector<unsigned> kYellowRed = {0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c,
                                          0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026};
const std::vector<unsigned> kBlues = {0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6,
                                      0x4292c6, 0x2171b5, 0x08519c, 0x08306b};
const std::vector<unsigned> kPurples = {0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8,
                                        0x807dba, 0x6a51a3, 0x54278f, 0x3f007d};
// Diverging, for values around 0: ColorBrewer RdBu's red half, white, PRGn's green half.
const std::vector<unsigned> kRedGreen = {0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7,
                                         0xd9f0d3, 0xa6dba0, 0x5aae61, 0x1b7837};
const std::vector<unsigned> kGreenRed = {0x1b7837, 0x5aae61, 0xa6dba0, 0xd9f0d3, 0xf7f7f7,
                                         0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b};
// Categorical colours for zones (ColorBrewer Set3 without its grey, plus light Paired colours);
// light enough for the dark border lines to stay visible on top.
const std::vector<unsigned> kZonePalette = {
    0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3, 0xfdb462, 0xb3de69, 0xfccde5,
    0xbc80bd, 0xccebc5, 0xffed6f, 0xa6cee3, 0xfb9a99, 0xcab2d6, 0xb2df8a, 0xfdbf6f};
// Classes without a colour of their own: ColorBrewer Set1.
const std::vector<unsigned> kClassPalette = {0x377eb8, 0x4daf4a, 0xff7f00, 0x984ea3, 0xe41a1c,
                                             0xa65628, 0xf781bf, 0x999999, 0xffff33};

int zone_value(double v) {
  return std::isnan(v) ? 0 : static_cast<int>(std::lround(v));
}

// Colours per zone value such that zones that touch in the raster differ (greedy colouring).
std::vector<unsigned> colour_zones(const Raster& r) {
  const Grid& g = r.grid;
  int max_zone = 0;
  for (float v : r.values) max_zone = std::max(max_zone, zone_value(v));
  max_zone = std::min(max_zone, 1 << 20);  // zone values are 1..n; guard against a damaged raster
  const auto nz = static_cast<std::size_t>(max_zone) + 1;
  std::vector<std::set<int>> neighbours(nz);
  auto link = [&](int a, int b) {
    if (a <= 0 || b <= 0 || a == b || a > max_zone || b > max_zone) return;
    neighbours[static_cast<std::size_t>(a)].insert(b);
    neighbours[static_cast<std::size_t>(b)].insert(a);
  };
  for (int row = 0; row < g.rows; ++row)
    for (int col = 0; col < g.cols; ++col) {
      int z = zone_value(r.at(row, col));
      if (z <= 0) continue;
      if (col + 1 < g.cols) link(z, zone_value(r.at(row, col + 1)));
      if (row + 1 < g.rows) link(z, zone_value(r.at(row + 1, col)));
    }
  const std::size_t n = kZonePalette.size();
  std::vector<int> index(nz, -1);
  std::vector<unsigned> colours(nz, 0);
  for (int z = 1; z <= max_zone; ++z) {
    std::vector<bool> taken(n, false);
    for (int nb : neighbours[static_cast<std::size_t>(z)])
      if (int i = index[static_cast<std::size_t>(nb)]; i >= 0)
        taken[static_cast<std::size_t>(i)] = true;
    // Start where the plain cycle would be, so unrelated zones still spread over the palette.
    const auto start = static_cast<std::size_t>(z - 1);
    std::size_t pick = start % n;
    for (std::size_t k = 0; k < n; ++k)
      if (!taken[(start + k) % n]) {
        pick = (start + k) % n;
        break;
      }
    index[static_cast<std::size_t>(z)] = static_cast<int>(pick);
    colours[static_cast<std::size_t>(z)] = kZonePalette[pick];
  }
  return colours;
}

unsigned mix(unsigned a, unsigned b, double f) {
  auto ch = [&](int shift) {
    double x =
        ((a >> shift) & 255) +
        (static_cast<double>((b >> shift) & 255) - static_cast<double>((a >> shift) & 255)) * f;
    return static_cast<unsigned>(std::lround(std::clamp(x, 0.0, 255.0))) << shift;
  };
  return ch(16) | ch(8) | ch(0);
}

unsigned ramp_at(const std::vector<unsigned>& stops, double t) {
  if (!(t > 0)) return stops.front();
  if (t >= 1) return stops.back();
  double x = t * static_cast<double>(stops.size() - 1);
  auto i = static_cast<std::size_t>(x);
  return mix(stops[i], stops[i + 1], x - static_cast<double>(i));
}

// Two significant digits: a legend bound of "≥ 2" reads better than "≥ 2,01".
double round_2sig(double v) {
  if (!(v > 0)) return v;
  double f = std::pow(10.0, std::floor(std::log10(v)) - 1);
  return std::round(v / f) * f;
}

// The top of a robust ramp: the 99th percentile of the non-zero cells in range (rounded to two
// significant digits), when it lies well below the maximum.
void robust_top(const Raster& r, std::span<const std::uint8_t> inside, const ValueRange& rg,
                Legend& l) {
  std::vector<float> nonzero;
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    float v = r.values[i];
    if (!std::isnan(v) && v != 0 && (!rg.masked || inside[i])) nonzero.push_back(v);
  }
  if (nonzero.size() < 20) return;
  auto k = static_cast<std::size_t>(0.99 * static_cast<double>(nonzero.size() - 1));
  std::nth_element(nonzero.begin(), nonzero.begin() + static_cast<std::ptrdiff_t>(k),
                   nonzero.end());
  double p99 = nonzero[k];
  if (p99 > l.lo && rg.max > 1.25 * p99) {
    double rounded = round_2sig(p99 * l.factor) / l.factor;
    l.hi = rounded > l.lo && rounded < rg.max ? rounded : p99;
    l.clipped = l.robust = true;
  }
}

std::string display_unit(const LayerRecord& L) {
  return L.describe.display_unit.empty() ? L.unit : L.describe.display_unit;
}

Legend build(const Store* store, const LayerRecord& L, const Raster& r,
             std::span<const std::uint8_t> inside) {
  const LayerDescription& d = L.describe;
  Legend l;
  l.title = L.title.empty() ? L.id : L.title;
  l.unit = display_unit(L);
  l.factor = d.display_factor;
  l.decimals = d.decimals;
  const ValueRange rg = value_range(r, inside);
  if (d.style.kind == LayerStyle::Kind::Zones) {
    l.kind = Legend::Kind::Classes;
    l.zones = true;
    l.zone_rgb = colour_zones(r);
    l.unit.clear();
    if (store)
      for (const ZoneRecord& z : store->zones(L.id)) {
        unsigned rgb = z.zone > 0 && static_cast<std::size_t>(z.zone) < l.zone_rgb.size()
                           ? l.zone_rgb[static_cast<std::size_t>(z.zone)]
                           : kZonePalette[static_cast<std::size_t>(std::max(0, z.zone - 1)) %
                                          kZonePalette.size()];
        l.classes.push_back({static_cast<double>(z.zone), z.name.empty() ? z.code : z.name, rgb});
      }
  } else if (d.style.kind == LayerStyle::Kind::Classes || d.style.kind == LayerStyle::Kind::Bins) {
    l.kind = Legend::Kind::Classes;
    l.bins = d.style.kind == LayerStyle::Kind::Bins;
    l.zero_blank = d.style.zero_blank;
    std::size_t next = 0;
    for (const StyleClass& c : d.style.classes) {
      Entry e{c.value, c.label, 0, !c.colour.empty()};
      e.rgb =
          e.drawn ? parse_css(c.colour, kClassPalette[next++ % kClassPalette.size()]) : 0xffffff;
      l.classes.push_back(e);
    }
    l.points = d.style.points && rg.set_cells <= kMaxMarkers;
  } else {
    l.kind = Legend::Kind::Ramp;
    l.stops = ramp(d.style.ramp);
    l.zero_blank = d.style.zero_blank;
    l.lo = std::isnan(d.style.lo) ? (l.zero_blank && rg.min >= 0 ? 0 : rg.min) : d.style.lo;
    l.hi = std::isnan(d.style.hi) ? rg.max : d.style.hi;
    const bool diverging = d.style.ramp == "roodgroen" || d.style.ramp == "groenrood";
    if (diverging && std::isnan(d.style.lo) && std::isnan(d.style.hi)) {
      // Symmetric around 0, so the middle colour means 0 and equal distances equal shades.
      double m = std::max(std::fabs(rg.min), std::fabs(rg.max));
      if (!(m > 0)) m = 1;
      l.lo = -m, l.hi = m;
    }
    l.clipped = rg.all_max > l.hi;
    l.clipped_low = rg.all_min < l.lo && !l.zero_blank;
    if (d.style.robust && std::isnan(d.style.hi)) robust_top(r, inside, rg, l);
    if (!(l.hi > l.lo)) l.hi = l.lo + 1;
    l.points = d.style.points && rg.set_cells <= kMaxMarkers;
    if (l.robust) l.notes.emplace_back("bovengrens: 99e percentiel");
  }
  if (l.points) l.notes.emplace_back("punten vergroot weergegeven");
  // What the colours mean, in the words of the code that made the layer ("rood: minder geschikt").
  if (auto it = d.params.find("legend_note"); it != d.params.end() && !it->second.empty())
    l.notes.push_back(it->second);
  if (!L.estimate.empty()) l.notes.emplace_back("schatting");
  return l;
}

}  // namespace

const std::vector<unsigned>& ramp(const std::string& name) {
  if (name == "groen") return kGreens;
  if (name == "geelrood") return kYellowRed;
  if (name == "blauw") return kBlues;
  if (name == "paars") return kPurples;
  if (name == "roodgroen") return kRedGreen;
  if (name == "groenrood") return kGreenRed;
  return kViridis;
}

const std::vector<unsigned>& zone_palette() {
  return kZonePalette;
}
const std::vector<unsigned>& class_palette() {
  return kClassPalette;
}

std::string css(unsigned rgb) {
  return fmt::format("#{:06x}", rgb & 0xffffffu);
}

unsigned parse_css(const std::string& text, unsigned fallback) {
  if (text.size() != 7 || text[0] != '#') return fallback;
  unsigned v = 0;
  for (std::size_t i = 1; i < 7; ++i) {
    char c = text[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return fallback;
    v = v * 16 + static_cast<unsigned>(d);
  }
  return v;
}

ValueRange value_range(const Raster& r, std::span<const std::uint8_t> inside) {
  ValueRange out;
  double mn = INFINITY, mx = -INFINITY, all_mn = INFINITY, all_mx = -INFINITY;
  std::size_t n_inside = 0;
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    float v = r.values[i];
    if (std::isnan(v)) continue;
    if (v != 0) ++out.set_cells;
    all_mn = std::min(all_mn, static_cast<double>(v));
    all_mx = std::max(all_mx, static_cast<double>(v));
    if (!inside.empty() && !inside[i]) {
      out.outside = true;
      continue;
    }
    ++n_inside;
    mn = std::min(mn, static_cast<double>(v));
    mx = std::max(mx, static_cast<double>(v));
  }
  if (!inside.empty() && n_inside == 0) return value_range(r, {});
  out.masked = !inside.empty();
  if (!(mn <= mx)) mn = mx = all_mn = all_mx = 0;
  out.min = mn, out.max = mx, out.all_min = all_mn, out.all_max = all_mx;
  return out;
}

std::uint32_t Legend::argb(double v) const {
  if (std::isnan(v)) return 0;
  if (kind == Kind::Classes) {
    if (!zone_rgb.empty()) {
      int z = zone_value(v);
      if (z <= 0 || static_cast<std::size_t>(z) >= zone_rgb.size()) return 0;
      return 0xff000000u | zone_rgb[static_cast<std::size_t>(z)];
    }
    if (bins) {
      if (classes.empty() || (zero_blank && v <= 0)) return 0;
      for (std::size_t k = 0; k < classes.size(); ++k)
        if (v <= classes[k].value || k + 1 == classes.size())
          return classes[k].drawn ? 0xff000000u | classes[k].rgb : 0;
    }
    for (const Entry& c : classes)
      if (std::fabs(v - c.value) <= kClassTolerance) return c.drawn ? 0xff000000u | c.rgb : 0;
    return 0;
  }
  if (zero_blank && v == 0) return 0;
  return 0xff000000u | ramp_at(stops, (v - lo) / (hi - lo));
}

int Legend::class_index(double v) const {
  if (std::isnan(v) || kind != Kind::Classes) return -1;
  if (bins) {
    if (classes.empty() || (zero_blank && v <= 0)) return -1;
    for (std::size_t k = 0; k < classes.size(); ++k)
      if (v <= classes[k].value || k + 1 == classes.size()) return static_cast<int>(k);
    return -1;
  }
  for (std::size_t k = 0; k < classes.size(); ++k)
    if (std::fabs(v - classes[k].value) <= kClassTolerance) return static_cast<int>(k);
  return -1;
}

std::string Legend::format(double v, bool with_unit) const {
  if (std::isnan(v)) return "geen gegevens";
  std::string s = dutch_number(v * factor, decimals, true);
  // A diverging ramp (below and above 0) writes both signs as in print: "+5", "−5".
  if (kind == Kind::Ramp && lo < 0 && hi > 0 && s != "0") {
    if (v > 0) s = "+" + s;
    if (v < 0 && s.starts_with('-')) s = "\u2212" + s.substr(1);
  }
  if (!with_unit || unit.empty()) return s;
  return s + (unit == "%" ? " %" : " " + unit);
}

std::string Legend::low_label() const {
  return (clipped_low ? "≤ " : "") + format(lo, false);
}

std::string Legend::high_label() const {
  return (clipped ? "≥ " : "") + format(hi);
}

std::string format_value(const LayerRecord& layer, double v, bool with_unit) {
  Legend l;
  l.unit = display_unit(layer);
  l.factor = layer.describe.display_factor;
  l.decimals = layer.describe.decimals;
  return l.format(v, with_unit);
}

Legend legend_for(const Store& store, const LayerRecord& layer, const Raster& values,
                  std::span<const std::uint8_t> inside) {
  return build(&store, layer, values, inside);
}

Legend legend_for(const LayerRecord& layer, const Raster& values,
                  std::span<const std::uint8_t> inside) {
  return build(nullptr, layer, values, inside);
}

std::string to_json(const Legend& l) {
  using json = nlohmann::json;
  json classes = json::array();
  for (const auto& c : l.classes)
    classes.push_back(
        {{"value", c.value}, {"label", c.label}, {"colour", css(c.rgb)}, {"drawn", c.drawn}});
  json stops = json::array();
  for (unsigned s : l.stops) stops.push_back(css(s));
  json zone_rgb = json::array();
  for (unsigned s : l.zone_rgb) zone_rgb.push_back(s);
  return json{{"kind", l.kind == Legend::Kind::Classes ? "classes" : "ramp"},
              {"title", l.title},
              {"unit", l.unit},
              {"classes", classes},
              {"zone_rgb", zone_rgb},
              {"stops", stops},
              {"lo", l.lo},
              {"hi", l.hi},
              {"low_label", l.low_label()},
              {"high_label", l.high_label()},
              {"zero_blank", l.zero_blank},
              {"clipped", l.clipped},
              {"clipped_low", l.clipped_low},
              {"robust", l.robust},
              {"points", l.points},
              {"zones", l.zones},
              {"bins", l.bins},
              {"notes", l.notes},
              {"factor", l.factor},
              {"decimals", l.decimals}}
      .dump();
}

Legend legend_from_json(const std::string& text) {
  using json = nlohmann::json;
  try {
    json j = json::parse(text);
    Legend l;
    l.kind = j.at("kind") == "classes" ? Legend::Kind::Classes : Legend::Kind::Ramp;
    l.title = j.at("title");
    l.unit = j.at("unit");
    for (const auto& c : j.at("classes"))
      l.classes.push_back({c.at("value"), c.at("label"), parse_css(c.at("colour")), c.at("drawn")});
    for (const auto& z : j.at("zone_rgb")) l.zone_rgb.push_back(z.get<unsigned>());
    for (const auto& s : j.at("stops")) l.stops.push_back(parse_css(s.get<std::string>()));
    l.lo = j.at("lo");
    l.hi = j.at("hi");
    l.zero_blank = j.at("zero_blank");
    l.clipped = j.at("clipped");
    l.clipped_low = j.at("clipped_low");
    l.robust = j.at("robust");
    l.points = j.at("points");
    l.zones = j.at("zones");
    l.bins = j.value("bins", false);
    l.notes = j.at("notes").get<std::vector<std::string>>();
    l.factor = j.at("factor");
    l.decimals = j.at("decimals");
    if (l.kind == Legend::Kind::Ramp && l.stops.empty()) fail("a ramp legend without colours");
    return l;
  } catch (const json::exception& e) {
    fail("damaged legend: {}", e.what());
  }
}

}  // namespace casco::legend
