#include "render/colours.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace casco {
namespace {

// Sequential ramps as evenly spaced 0xRRGGBB stops, low to high.
const std::vector<unsigned> kViridis = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c,
                                        0x28ae80, 0x5ec962, 0xaddc30, 0xfde725};
// ColorBrewer YlGn without its near-white start: 0 is left uncoloured, so the lowest share must
// still read as "some".
const std::vector<unsigned> kGreens = {0xd9f0a3, 0xaddd8e, 0x78c679, 0x41ab5d,
                                       0x238443, 0x006837, 0x004529};
// ColorBrewer YlOrRd (counts and amounts).
const std::vector<unsigned> kReds = {0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c,
                                     0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026};
constexpr unsigned kPresence = 0xd7191c;
// Categorical colours for zones (ColorBrewer Set3 without its grey, plus light Paired colours);
// light enough for the dark border lines to stay visible on top.
const std::vector<unsigned> kZonePalette = {
    0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3, 0xfdb462, 0xb3de69, 0xfccde5,
    0xbc80bd, 0xccebc5, 0xffed6f, 0xa6cee3, 0xfb9a99, 0xcab2d6, 0xb2df8a, 0xfdbf6f};
// Few-valued layers of unknown meaning (allocation, verdict classes): ColorBrewer Set1.
const std::vector<unsigned> kCategories = {0x377eb8, 0x4daf4a, 0xff7f00, 0x984ea3, 0xe41a1c,
                                           0xa65628, 0xf781bf, 0x999999, 0xffff33};
int zone_value(double v) {
  return std::isnan(v) ? 0 : static_cast<int>(std::lround(v));
}

// Colours per zone value such that zones that touch in the raster differ (greedy colouring; the
// palette has more colours than a map of zones needs in practice).
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

unsigned ramp_at(const std::vector<unsigned>& ramp, double t) {
  if (!(t > 0)) return ramp.front();
  if (t >= 1) return ramp.back();
  double x = t * static_cast<double>(ramp.size() - 1);
  auto i = static_cast<std::size_t>(x);
  return mix(ramp[i], ramp[i + 1], x - static_cast<double>(i));
}

// Two significant digits: a legend bound of "≥ 2" reads better than "≥ 2,01".
double round_2sig(double v) {
  if (!(v > 0)) return v;
  double f = std::pow(10.0, std::floor(std::log10(v)) - 1);
  return std::round(v / f) * f;
}

// The distinct values of a layer when they are few whole numbers (else empty).
std::vector<int> few_integers(const Raster& r, std::size_t limit) {
  std::set<int> seen;
  for (float v : r.values) {
    if (std::isnan(v)) continue;
    if (v != std::round(v) || seen.size() > limit) return {};
    seen.insert(static_cast<int>(v));
  }
  if (seen.size() > limit) return {};
  return {seen.begin(), seen.end()};
}

void zones_legend(const Store& store, const LayerRecord& L, const Raster& r, LayerColours& c) {
  c.kind = LayerColours::Kind::Classes;
  c.zone_rgb = colour_zones(r);
  for (const ZoneRecord& z : store.zones(L.id)) {
    unsigned rgb =
        z.zone > 0 && static_cast<std::size_t>(z.zone) < c.zone_rgb.size()
            ? c.zone_rgb[static_cast<std::size_t>(z.zone)]
            : kZonePalette[static_cast<std::size_t>(std::max(0, z.zone - 1)) % kZonePalette.size()];
    c.classes.push_back({static_cast<double>(z.zone), z.name.empty() ? z.code : z.name, rgb});
  }
  c.label = fmt::format("{} zones", c.classes.size());
}

// Amounts: a robust top (99th percentile of the non-zero cells in the range) so a few large
// values do not wash out the rest; larger values show in the top colour.
void amount_legend(const Raster& r, std::span<const std::uint8_t> inside, const ValueRange& rg,
                   bool attribute, LayerColours& c) {
  c.ramp = attribute ? kReds : kViridis;
  c.zero_blank = attribute && rg.min >= 0;  // no feature there
  c.lo = c.zero_blank ? 0 : rg.min;
  c.hi = rg.max;
  c.clipped = rg.all_max > rg.max;
  std::vector<float> nonzero;
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    float v = r.values[i];
    if (!std::isnan(v) && v != 0 && (!rg.masked || inside[i])) nonzero.push_back(v);
  }
  if (nonzero.size() >= 20) {
    auto k = static_cast<std::size_t>(0.99 * static_cast<double>(nonzero.size() - 1));
    std::nth_element(nonzero.begin(), nonzero.begin() + static_cast<std::ptrdiff_t>(k),
                     nonzero.end());
    double p99 = nonzero[k];
    if (p99 > c.lo && rg.max > 1.25 * p99) {
      double rounded = round_2sig(p99);
      c.hi = rounded > c.lo && rounded < rg.max ? rounded : p99;
      c.clipped = c.robust = true;
    }
  }
}

}  // namespace

std::string css_colour(unsigned rgb) {
  return fmt::format("#{:06x}", rgb & 0xffffffu);
}

const std::vector<unsigned>& viridis_ramp() {
  return kViridis;
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

std::uint32_t LayerColours::argb(double v) const {
  if (std::isnan(v)) return 0;
  if (kind == Kind::Classes) {
    if (!zone_rgb.empty()) {
      int z = zone_value(v);
      if (z <= 0 || static_cast<std::size_t>(z) >= zone_rgb.size()) return 0;
      return 0xff000000u | zone_rgb[static_cast<std::size_t>(z)];
    }
    for (const LegendClass& c : classes)
      if (std::fabs(v - c.value) <= kClassTolerance) return 0xff000000u | c.rgb;
    return 0;
  }
  if (zero_blank && v == 0) return 0;
  return 0xff000000u | ramp_at(ramp, (v - lo) / (hi - lo));
}

LayerColours layer_colours(const Store& store, const LayerRecord& L, const Raster& r,
                           std::span<const std::uint8_t> inside) {
  LayerColours c;
  c.label = L.unit;
  const std::string& d = L.derivation;
  if (d == "zones") {
    zones_legend(store, L, r, c);
  } else if (d == "presence") {
    c.kind = LayerColours::Kind::Classes;
    c.classes = {{1, "aanwezig", kPresence}};
  } else if (d == "coverage") {
    c.ramp = kGreens;
    c.lo = 0, c.hi = 1, c.zero_blank = true;
    c.label = "aandeel van de cel";
  } else if (d == "distance") {
    c.ramp = kViridis;
    const ValueRange rg = value_range(r, inside);
    c.lo = rg.min, c.hi = rg.max;
    c.clipped = rg.all_max > rg.max;
    c.label = L.unit.empty() ? "afstand in m" : L.unit;
  } else if (auto values = few_integers(r, kCategories.size());
             d != "attribute" && !values.empty() && values.size() <= kCategories.size() &&
             values.size() >= 2 && values.front() >= 0 && values.back() <= 20) {
    // Allocation, norms and other class layers: one colour per value; 0 = nothing there.
    c.kind = LayerColours::Kind::Classes;
    std::size_t next = 0;
    for (int v : values) {
      if (v == 0 && values.size() == 2) continue;  // a yes/no layer: only "yes" is coloured
      unsigned rgb = values.size() == 2 ? kPresence : kCategories[next++ % kCategories.size()];
      c.classes.push_back(
          {static_cast<double>(v), values.size() == 2 ? "ja" : std::to_string(v), rgb});
    }
  } else {
    amount_legend(r, inside, value_range(r, inside), d == "attribute", c);
  }
  if (c.kind == LayerColours::Kind::Ramp && !(c.hi > c.lo)) c.hi = c.lo + 1;
  return c;
}

}  // namespace casco
