#include "report/report.hpp"

#include <fcntl.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <sys/wait.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "casco/version.hpp"
#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "legend/legend.hpp"
#include "model/store.hpp"
#include "render/window_map.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"

namespace fs = std::filesystem;

namespace casco::report {

std::string nl_number(double v, int decimals) {
  return dutch_number(v, decimals);
}

std::string slug(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (c >= 0x80) {
      // Accented letters (UTF-8): keep the file name plain ASCII; "ë" and the like drop out.
      continue;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "gemeente" : out;
}

namespace {

// ---------------------------------------------------------------- text helpers

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                 static_cast<unsigned char>(bytes[i + 1]) << 8 |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    unsigned v =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
  }
  return out;
}

const std::string kNbsp = "\u00a0";

// A share as a percentage: one decimal below 10 %, whole percents above.
std::string pct(double share) {
  double p = 100 * share;
  if (p > 0 && p < 0.05) return "minder dan 0,1" + kNbsp + "%";
  return nl_number(p, p < 10 && p != 0 ? 1 : 0) + kNbsp + "%";
}
std::string ha(double v) {
  return nl_number(v, v < 10 && v != 0 ? 1 : 0) + kNbsp + "ha";
}
std::string km2(double hectares) {
  double k = hectares / 100;
  return nl_number(k, k < 100 ? 1 : 0) + kNbsp + "km²";
}
std::string km(double metres) {
  return nl_number(metres / 1000, 1) + kNbsp + "km";
}
// "2026-11-24T01:01:14Z" -> "24 november 2026"; other text is returned as it is.
std::string nl_date(const std::string& iso) {
  static const char* months[12] = {"januari",   "februari", "maart",    "april",
                                   "mei",       "juni",     "juli",     "augustus",
                                   "september", "oktober",  "november", "december"};
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return iso;
  int y = std::atoi(iso.substr(0, 4).c_str()), m = std::atoi(iso.substr(5, 2).c_str()),
      d = std::atoi(iso.substr(8, 2).c_str());
  if (m < 1 || m > 12) return iso;
  return fmt::format("{} {} {}", d, months[m - 1], y);
}

// Lower-cases the first letter for use inside a sentence, but not of names ("Natura 2000").
std::string lower_first(std::string s) {
  for (const char* name : {"Natura", "Drent", "Europ"})
    if (s.rfind(name, 0) == 0) return s;
  if (!s.empty() && std::isupper(static_cast<unsigned char>(s[0])) &&
      !(s.size() > 1 && std::isupper(static_cast<unsigned char>(s[1]))))
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}
std::string upper_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}
// "Natura 2000-gebied (aandeel van de cel)" -> "Natura 2000-gebied": titles without the notes.
std::string short_title(const std::string& title, const std::string& cut = "(") {
  std::string s = title;
  for (char c : cut)
    if (auto p = s.find(c); p != std::string::npos) s.resize(p);
  while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == ';')) s.pop_back();
  return s;
}
bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}
bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// "a", "a en b", "a, b en c".
std::string join_and(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " en " : ", ";
    out += items[i];
  }
  return out;
}

// One-clause explanations of terms a resident may not know.
std::string explain(const std::string& term) {
  if (contains(term, "Stikstofgevoelig"))
    return " (natuur die schade oploopt van te veel stikstof uit landbouw, verkeer en industrie)";
  if (contains(term, "Natura 2000"))
    return " (natuur die in heel Europa beschermd is; bouwen kan daar bijna nooit)";
  if (contains(term, "Rijksmonument")) return " (gebouwen die het Rijk beschermt om hun waarde)";
  if (contains(term, "Hunebed")) return " (graven van grote zwerfkeien, zo'n 5.000 jaar oud)";
  return "";
}

// ---------------------------------------------------------------- areas and per-area sums

struct Area {
  int zone = 0;  // 0: the province (every zone)
  std::string name, code, file;
  bool page = false;  // a page is written for it
  double cells = 0, area_ha = 0, mean_col = 0, mean_row = 0;
  MapWindow window;
};
Area make_area(int zone, std::string name, std::string code, std::string file, bool page) {
  Area a;
  a.zone = zone, a.name = std::move(name), a.code = std::move(code), a.file = std::move(file);
  a.page = page;
  return a;
}

// Sums of one layer over the cells of each area.
struct Acc {
  double data = 0, set = 0, sum = 0;  // cells with data, non-zero cells, sum of values
  double pop = 0, pop_value = 0;      // population with data there, and population x value
  double wx = 0, wy = 0;              // value-weighted column and row (where things lie)
};

class Areas {
 public:
  Areas(const Raster& zones, const std::vector<ZoneRecord>& records, const std::string& province)
      : grid_(zones.grid) {
    list_.push_back(make_area(0, province, "", "index.html", true));
    int max_zone = 0;
    for (const auto& r : records) max_zone = std::max(max_zone, r.zone);
    std::vector<int> index(static_cast<std::size_t>(max_zone) + 1, -1);
    for (const auto& r : records) {
      index[static_cast<std::size_t>(r.zone)] = static_cast<int>(list_.size());
      list_.push_back(make_area(r.zone, r.name.empty() ? r.code : r.name, r.code,
                                slug(r.name.empty() ? r.code : r.name) + ".html", false));
    }
    cell_.assign(zones.values.size(), -1);
    for (std::size_t i = 0; i < zones.values.size(); ++i) {
      float z = zones.values[i];
      if (std::isnan(z) || z < 1 || z > static_cast<float>(max_zone)) continue;
      cell_[i] = static_cast<std::int16_t>(index[static_cast<std::size_t>(std::lround(z))]);
    }
    std::vector<Acc> a = sum(Raster(grid_, 1.0f), nullptr);
    for (std::size_t k = 0; k < list_.size(); ++k) {
      list_[k].cells = a[k].data;
      list_[k].area_ha = a[k].data * grid_.cell_area_ha();
      list_[k].mean_col = a[k].data > 0 ? a[k].wx / a[k].data : 0;
      list_[k].mean_row = a[k].data > 0 ? a[k].wy / a[k].data : 0;
    }
  }
  std::vector<Area>& list() { return list_; }
  const std::vector<Area>& list() const { return list_; }
  std::size_t size() const { return list_.size(); }
  int at(std::size_t cell) const { return cell_[cell]; }

  // Sums per area (index 0: the province); `pop` weighs values by population where given.
  std::vector<Acc> sum(const Raster& r, const Raster* pop) const {
    std::vector<Acc> acc(list_.size());
    for (int row = 0; row < grid_.rows; ++row)
      for (int col = 0; col < grid_.cols; ++col) {
        const std::size_t i = static_cast<std::size_t>(row) * grid_.cols + col;
        const int k = cell_[i];
        if (k < 0) continue;
        const float v = r.values[i];
        if (std::isnan(v)) continue;
        const double p = pop && !std::isnan(pop->values[i]) ? pop->values[i] : 0;
        for (Acc* a : {&acc[0], &acc[static_cast<std::size_t>(k)]}) {
          a->data += 1;
          a->set += v != 0;
          a->sum += v;
          a->pop += p;
          a->pop_value += p * v;
          a->wx += v * col;
          a->wy += v * row;
        }
      }
    return acc;
  }

 private:
  Grid grid_;
  std::vector<Area> list_;
  std::vector<std::int16_t> cell_;  // area index per cell, -1 outside every zone
};

// "vooral in het zuiden": where the weight of a layer lies within an area, or "" when it is
// spread around the middle.
std::string where_mostly(const Area& a, const Acc& acc) {
  if (!(acc.sum > 0) || a.window.cols <= 0) return "";
  const double dx = (acc.wx / acc.sum - a.mean_col) / a.window.cols;
  const double dy = (a.mean_row - acc.wy / acc.sum) / a.window.rows;  // north positive
  if (std::hypot(dx, dy) < 0.1) return "";
  static const char* names[8] = {"oosten", "noordoosten", "noorden", "noordwesten",
                                 "westen", "zuidwesten",  "zuiden",  "zuidoosten"};
  double angle = std::atan2(dy, dx);
  int sector = static_cast<int>(std::lround(angle / (M_PI / 4))) % 8;
  if (sector < 0) sector += 8;
  return fmt::format("vooral in het {}", names[sector]);
}

// ---------------------------------------------------------------- HTML building blocks

// How a report map colours its cells (turned into the legend module's Legend for the mapper).
struct MapClass {
  float value = 0;
  std::string label;
  unsigned rgb = 0;
  double area_ha = -1;
};
struct MapStyle {
  std::vector<MapClass> classes;  // a class map, or else a ramp
  std::vector<unsigned> ramp;
  double lo = 0, hi = 1;
  bool zero_blank = false;
  bool dots = false;
};

legend::Legend to_legend(const MapStyle& s) {
  legend::Legend l;
  if (!s.classes.empty()) {
    l.kind = legend::Legend::Kind::Classes;
    for (const auto& c : s.classes) l.classes.push_back({c.value, c.label, c.rgb, true});
  } else {
    l.kind = legend::Legend::Kind::Ramp;
    l.stops = s.ramp;
    l.lo = s.lo, l.hi = s.hi > s.lo ? s.hi : s.lo + 1;
    l.zero_blank = s.zero_blank;
  }
  l.points = s.dots;
  return l;
}

struct Legend {
  std::vector<std::pair<unsigned, std::string>> swatches;  // colour, label
  std::vector<unsigned> ramp;                              // or a colour bar
  std::string ramp_low, ramp_high, unit;
};

std::string legend_html(const Legend& lg) {
  std::string out = "<div class=\"legend\">";
  if (!lg.ramp.empty()) {
    std::string stops;
    // (appending piece by piece: `"," + std::string` trips a bogus GCC 12 -Wrestrict at -O3)
    for (std::size_t i = 0; i < lg.ramp.size(); ++i) {
      if (i) stops += ',';
      stops += legend::css(lg.ramp[i]);
    }
    out += fmt::format(
        "<span class=\"rampl\">{}</span><span class=\"ramp\" style=\"background:linear-gradient(to "
        "right,{})\"></span><span class=\"rampl\">{}</span> <span class=\"unit\">{}</span>",
        esc(lg.ramp_low), stops, esc(lg.ramp_high), esc(lg.unit));
  }
  for (const auto& [colour, label] : lg.swatches)
    out += fmt::format(
        "<span class=\"item\"><span class=\"sw\" style=\"background:{}\"></span>{}</span>",
        legend::css(colour), esc(label));
  return out + "</div>";
}

// One page under construction.
struct Page {
  std::string body;
  std::vector<std::pair<std::string, std::string>> toc;  // section id, title
  int figures = 0;

  void section(const std::string& id, const std::string& title) {
    if (!toc.empty()) body += "</section>\n";
    toc.emplace_back(id, title);
    body += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", id, esc(title));
  }
  void para(const std::vector<std::string>& sentences) {
    std::string text;
    for (const auto& s : sentences)
      if (!s.empty()) text += (text.empty() ? "" : " ") + s;
    if (!text.empty()) body += "<p>" + esc(text) + "</p>\n";
  }
  void figure(const std::string& png, const std::string& caption, const Legend& legend) {
    ++figures;
    body += fmt::format(
        "<figure><img src=\"data:image/png;base64,{}\" alt=\"Kaart: {}\">{}<figcaption><b>Kaart "
        "{}.</b> {}</figcaption></figure>\n",
        base64(png), esc(caption), legend_html(legend), figures, esc(caption));
  }
};

struct Table {
  std::vector<std::string> head;  // HTML
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row_class;
  std::string caption;
  std::size_t num_from = 1;  // columns from here on are figures, aligned right
  std::string html() const {
    std::string out = "<table>";
    if (!caption.empty()) out += "<caption>" + esc(caption) + "</caption>";
    out += "<thead><tr>";
    for (std::size_t i = 0; i < head.size(); ++i)
      out += fmt::format("<th{}>{}</th>", i >= num_from ? " class=\"num\"" : "", head[i]);
    out += "</tr></thead><tbody>";
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::string& cls = r < row_class.size() ? row_class[r] : "";
      out += cls.empty() ? "<tr>" : "<tr class=\"" + cls + "\">";
      for (std::size_t i = 0; i < rows[r].size(); ++i)
        out += fmt::format("<td{}>{}</td>", i >= num_from ? " class=\"num\"" : "", rows[r][i]);
      out += "</tr>";
    }
    return out + "</tbody></table>\n";
  }
};

// ---------------------------------------------------------------- the report

const unsigned kVerdictColour[5] = {0x1a9641, 0xa6d96a, 0xfdae61, 0xf46d43, 0xd7191c};
const char* kVerdictMeaning[5] = {
    "geen regel uit het afwegingskader staat het in de weg",
    "kan, als aan voorwaarden wordt voldaan",
    "kan pas na overleg met een andere partij, zoals het waterschap",
    "nee, tenzij er een zwaarwegend belang is en geen alternatief",
    "kan niet",
};
const std::vector<unsigned> kReds = {0xffeda0, 0xfeb24c, 0xfc4e2a, 0xbd0026, 0x800026};
const std::vector<unsigned> kGreens = {0xd9f0a3, 0x78c679, 0x238443, 0x004529};
// Points need stronger colours than areas to stand out (ColorBrewer Dark2).
const std::vector<unsigned> kPointColours = {0x1b9e77, 0xd95f02, 0x7570b3, 0xe7298a,
                                             0x66a61e, 0xe6ab02, 0xa6761d, 0x666666};
const std::vector<unsigned> kCategories = {0x8dd3c7, 0xfdb462, 0xbebada, 0xfb8072, 0x80b1d3,
                                           0xb3de69, 0xfccde5, 0xbc80bd, 0xccebc5, 0xffed6f};

struct GroupInfo {
  std::string title, intro;
};
GroupInfo group_info(const std::string& group) {
  if (group == "natuur")
    return {"Natuur",
            "Natuur is een van de robuuste systemen van de omgevingsvisie: gebieden die beschermd "
            "zijn en waar nieuwe bebouwing meestal niet kan."};
  if (starts_with(group, "water"))
    return {"Water en bodem",
            "Water en bodem bepalen mee wat waar kan: waar het nat is, past iets anders dan waar "
            "het droog is."};
  if (group == "landbouw")
    return {"Landbouw", "De landbouw gebruikt het grootste deel van het Drentse land."};
  if (group == "sociaal-economisch")
    return {"Wonen, werken en voorzieningen",
            "Waar mensen wonen en hoe ver scholen, ziekenhuizen, stations en bushaltes weg zijn."};
  if (starts_with(group, "kernkwaliteit"))
    return {"Landschap en erfgoed",
            "De kernkwaliteiten zijn wat Drenthe bijzonder maakt, zoals hunebedden, molens en oude "
            "boerderijen. Nieuwe plannen moeten er rekening mee houden."};
  return {upper_first(group), ""};
}

// "CBS 2024" from a title such as "Inwoners 2024 (CBS, per wijk, …)": the source and the year.
std::string source_year(const std::string& title) {
  std::string year, source;
  for (std::size_t i = 0; i + 4 <= title.size(); ++i)
    if (std::isdigit(static_cast<unsigned char>(title[i])) && title.compare(i, 2, "20") == 0 &&
        std::all_of(title.begin() + static_cast<std::ptrdiff_t>(i),
                    title.begin() + static_cast<std::ptrdiff_t>(i + 4),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      year = title.substr(i, 4);
      break;
    }
  if (auto open = title.find('('); open != std::string::npos) {
    source = title.substr(open + 1);
    source = source.substr(0, source.find_first_of(",;)"));
  }
  if (source.empty() && year.empty()) return "bron: " + title;
  return source.empty() ? year : year.empty() ? source : source + " " + year;
}

bool derived_layer(const std::string& id) {
  return starts_with(id, "tijd_") || starts_with(id, "norm_") || starts_with(id, "toewijzing_") ||
         starts_with(id, "geschiktheid_");
}

class Report {
 public:
  Report(const ReportOptions& o, const Store& store)
      : o_(o),
        store_(store),
        zones_layer_(pick_zones_layer(store)),
        mapper_(store, zones_layer_, o.map_size),
        areas_(mapper_.zones(), store.zones(zones_layer_), province_name(store)),
        pages_(areas_.size()) {
    auto& list = areas_.list();
    list[0].window = mapper_.whole();
    for (std::size_t k = 1; k < list.size(); ++k)
      if (list[k].cells > 0) list[k].window = mapper_.window_of(list[k].zone);
    select_pages();
    if (const LayerRecord* p = population_layer()) {
      pop_id_ = p->id;
      pop_ = store.read(p->id);
    }
  }

  void build() {
    overview();
    systems();
    if (!o_.rules.empty()) suitability();
    accessibility();
    allocation();
    method();
  }

  std::vector<Area>& areas() { return areas_.list(); }
  std::string html(std::size_t k) const { return page_html(k); }

 private:
  static std::string pick_zones_layer(const Store& s) {
    if (const LayerRecord* L = s.find("gemeenten"); L && L->derivation == "zones") return L->id;
    const std::string& b = s.manifest().borders;
    if (!b.empty())
      if (const LayerRecord* L = s.find(b); L && L->derivation == "zones") return L->id;
    fail("store '{}' has no zones layer 'gemeenten' to make gemeente pages from",
         s.path().string());
  }
  static std::string province_name(const Store& s) {
    return s.manifest().model_name.empty() ? "de provincie" : s.manifest().model_name;
  }

  void select_pages() {
    auto& list = areas_.list();
    if (o_.gemeenten.empty()) {
      for (auto& a : list) a.page = true;
      return;
    }
    for (const auto& want : o_.gemeenten) {
      bool found = false;
      for (std::size_t k = 1; k < list.size(); ++k) {
        Area& a = list[k];
        if (slug(a.name) == slug(want) || a.code == want) a.page = found = true;
      }
      if (!found) {
        std::vector<std::string> names;
        for (std::size_t k = 1; k < list.size(); ++k) names.push_back(list[k].name);
        fail("unknown gemeente '{}' in store '{}'; the gemeenten are: {}", want,
             store_.path().string(), fmt::join(names, ", "));
      }
    }
  }

  // The layer with people per cell: `inwoners`, else the first layer counted per cell in people.
  const LayerRecord* population_layer() const {
    if (const LayerRecord* L = store_.find("inwoners")) return L;
    for (const auto& L : store_.manifest().layers)
      if (contains(L.unit, "inwoners per cel")) return &L;
    return nullptr;
  }

  // Renders one map per page, in parallel (each map is its own cairo surface).
  std::vector<std::string> maps(const Raster& r, const MapStyle& style) const {
    const auto& list = areas_.list();
    std::vector<std::string> out(list.size());
    tbb::parallel_for(std::size_t(0), list.size(), [&](std::size_t k) {
      if (list[k].page && list[k].cells > 0)
        out[k] = mapper_.png(r, to_legend(style), list[k].window, list[k].zone);
    });
    return out;
  }

  template <typename F>
  void each_page(F&& f) {
    auto& list = areas_.list();
    for (std::size_t k = 0; k < list.size(); ++k)
      if (list[k].page) f(list[k], pages_[k], k);
  }

  // ------------------------------------------------------------ 1. area and population
  void overview() {
    const auto& list = areas_.list();
    std::vector<Acc> people, homes;
    if (!pop_id_.empty()) people = areas_.sum(pop_, nullptr);
    const LayerRecord* woningen = store_.find("woningen");
    if (woningen) homes = areas_.sum(store_.read(woningen->id), nullptr);
    const double province_density =
        people.empty() || list[0].area_ha <= 0 ? 0 : people[0].sum / (list[0].area_ha / 100);

    std::vector<std::string> density_maps;
    MapStyle style;
    Legend legend;
    if (!pop_id_.empty()) {
      // People per hectare; the top of the ramp is the 99th percentile, so towns do not wash out
      // the villages.
      Raster density(pop_.grid, kNoData);
      std::vector<float> nonzero;
      const double per_ha = 1 / store_.grid().cell_area_ha();
      for (std::size_t i = 0; i < pop_.values.size(); ++i) {
        float v = pop_.values[i];
        if (std::isnan(v)) continue;
        density.values[i] = static_cast<float>(v * per_ha);
        if (v > 0 && areas_.at(i) >= 0) nonzero.push_back(density.values[i]);
      }
      double hi = 1;
      if (!nonzero.empty()) {
        auto n = static_cast<std::ptrdiff_t>(0.99 * static_cast<double>(nonzero.size() - 1));
        std::nth_element(nonzero.begin(), nonzero.begin() + n, nonzero.end());
        hi = std::max(1.0, static_cast<double>(nonzero[static_cast<std::size_t>(n)]));
        hi = std::round(hi / 5) * 5;
      }
      style.ramp = kReds, style.lo = 0, style.hi = hi, style.zero_blank = true;
      legend.ramp = kReds, legend.ramp_low = "0", legend.ramp_high = "≥ " + nl_number(hi, 0);
      legend.unit = "inwoners per hectare";
      density_maps = maps(density, style);
    }

    each_page([&](Area& a, Page& p, std::size_t k) {
      p.section("kort", "Oppervlakte en inwoners");
      std::vector<std::string> s;
      s.push_back(fmt::format("{} is {} groot ({}).", a.name, km2(a.area_ha), ha(a.area_ha)));
      if (k > 0 && list[0].area_ha > 0)
        s.back().pop_back(),
            s.back() += fmt::format(", {} van {}.", pct(a.area_ha / list[0].area_ha), list[0].name);
      if (!people.empty()) {
        double n = people[k].sum, density = a.area_ha > 0 ? n / (a.area_ha / 100) : 0;
        s.push_back(fmt::format("In {} wonen {} mensen ({}), gemiddeld {} per vierkante kilometer.",
                                a.name, nl_number(n, 0), source_year(store_.layer(pop_id_).title),
                                nl_number(density, 0)));
        if (k > 0 && province_density > 0) {
          double ratio = density / province_density;
          s.push_back(ratio > 1.25 ? fmt::format("Dat is drukker dan gemiddeld in {} ({}).",
                                                 list[0].name, nl_number(province_density, 0))
                      : ratio < 0.8
                          ? fmt::format("Dat is rustiger dan gemiddeld in {} ({}).", list[0].name,
                                        nl_number(province_density, 0))
                          : fmt::format("Dat is ongeveer het gemiddelde van {}.", list[0].name));
        }
      }
      if (!homes.empty())
        s.push_back(fmt::format("Er staan ongeveer {} woningen.",
                                nl_number(std::round(homes[k].sum / 100) * 100, 0)));
      p.para(s);
      Table t;
      t.head = {"Kengetal", "Waarde"};
      t.rows.push_back({"Oppervlakte", km2(a.area_ha)});
      if (!people.empty()) {
        t.rows.push_back(
            {"Inwoners", "<span class=\"inwoners\">" + nl_number(people[k].sum, 0) + "</span>"});
        t.rows.push_back({"Inwoners per km²",
                          nl_number(a.area_ha > 0 ? people[k].sum / (a.area_ha / 100) : 0, 0)});
      }
      if (!homes.empty())
        t.rows.push_back(
            {"Woningen (afgerond)", nl_number(std::round(homes[k].sum / 100) * 100, 0)});
      p.body += t.html();
      if (!density_maps.empty() && !density_maps[k].empty())
        p.figure(density_maps[k],
                 fmt::format("Waar de mensen wonen in {}: inwoners per hectare ({}){}.", a.name,
                             lower_first(short_title(store_.layer(pop_id_).title)),
                             store_.layer(pop_id_).estimate.empty() ? "" : ", een schatting"),
                 legend);
      if (k == 0) {
        population_sources(p, people.empty() ? 0.0 : people[0].sum);
        gemeenten_table(p, people);
      }
    });
  }

  // Where the inhabitant figures come from and why they differ: every layer counted in people
  // per cell (its title gives source and year, its estimate how it was spread), and the share
  // living in the kernen when the store has kern areas.
  void population_sources(Page& p, double total) {
    if (pop_id_.empty()) return;
    const LayerRecord& main = store_.layer(pop_id_);
    std::vector<std::string> s;
    s.push_back(fmt::format("Dit rapport telt de inwoners van de laag '{}': {} in {}.",
                            esc(main.title), nl_number(total, 0), esc(areas_.list()[0].name)));
    if (!main.estimate.empty()) s.push_back(esc(main.estimate));
    const std::vector<uint8_t> study = store_.study_mask();
    for (const auto& L : store_.manifest().layers) {
      if (L.id == pop_id_ || !contains(L.unit, "inwoners per cel")) continue;
      Raster r = store_.read(L.id);
      double n = 0;
      for (std::size_t i = 0; i < r.values.size(); ++i)
        if (study[i] && !std::isnan(r.values[i])) n += r.values[i];
      s.push_back(fmt::format(
          "Een andere telling in het model, '{}', komt op {}. Die is van een ander jaar of een "
          "andere indeling, en het rapport gebruikt haar niet voor zijn tabellen.",
          esc(L.title), nl_number(n, 0)));
    }
    for (const auto& L : store_.manifest().layers) {
      if (L.describe.role != role::kKernen) continue;  // casco kernen's areas
      Raster z = store_.read(L.id);
      double in_kern = 0;
      for (std::size_t i = 0; i < z.values.size(); ++i)
        if (z.values[i] >= 1 && !std::isnan(pop_.values[i])) in_kern += pop_.values[i];
      s.push_back(fmt::format(
          "In de kernen, de bebouwde gebieden van steden en dorpen, wonen {} mensen ({}); de "
          "andere {} wonen in het buitengebied. Een kern telt alleen de bebouwing zelf, dus "
          "minder dan een dorp met het land eromheen.",
          nl_number(in_kern, 0), pct(total > 0 ? in_kern / total : 0),
          nl_number(total - in_kern, 0)));
      break;
    }
    p.body += "<h3>Waar de inwonertallen vandaan komen</h3>\n";
    p.para(s);
  }

  // The province page lists every gemeente with a link to its page.
  void gemeenten_table(Page& p, const std::vector<Acc>& people) {
    const auto& list = areas_.list();
    p.body += "<h3>De gemeenten</h3>\n";
    Table t;
    t.head = {"Gemeente", "Oppervlakte", "Inwoners"};
    for (std::size_t k = 1; k < list.size(); ++k) {
      const Area& a = list[k];
      std::string name =
          a.page ? fmt::format("<a class=\"gemeente\" href=\"{}\">{}</a>", esc(a.file), esc(a.name))
                 : esc(a.name);
      t.rows.push_back({name, km2(a.area_ha), people.empty() ? "–" : nl_number(people[k].sum, 0)});
    }
    p.body += t.html();
  }

  // ------------------------------------------------------------ 2. the robust systems
  struct Figure {
    const LayerRecord* layer;
    std::vector<Acc> acc;
    std::vector<std::vector<std::string>> zone_names;  // zones layers: names present per area
  };

  void systems() {
    // Groups in manifest order; administrative layers and derived layers are shown elsewhere.
    std::vector<std::string> groups;
    std::map<std::string, std::vector<const LayerRecord*>> by_group;
    for (const auto& L : store_.manifest().layers) {
      if (L.group == "bestuur" || derived_layer(L.id) || L.id == pop_id_ || L.unit == "gewicht")
        continue;
      if (!by_group.count(L.group)) groups.push_back(L.group);
      by_group[L.group].push_back(&L);
    }
    if (groups.empty()) return;
    // The order of the omgevingsvisie: water and soil first, then nature, farming, people, and
    // the core qualities; groups it does not name follow in manifest order.
    auto rank = [](const std::string& g) {
      int r = 0;
      for (const char* prefix : {"water", "natuur", "landbouw", "sociaal", "kernkwaliteit"}) {
        if (starts_with(g, prefix)) return r;
        ++r;
      }
      return r;
    };
    std::stable_sort(groups.begin(), groups.end(),
                     [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
    each_page([&](Area& a, Page& p, std::size_t) {
      p.section("systemen", "De robuuste systemen");
      p.para(
          {"De omgevingsvisie van Drenthe gaat uit van robuuste systemen: water en bodem, "
           "natuur, landbouw en de plekken waar mensen wonen en werken.",
           fmt::format("Samen bepalen ze wat waar kan. Hieronder staat per systeem wat het model "
                       "over {} weet.",
                       a.name)});
    });
    for (const auto& g : groups) group_section(g, by_group[g]);
  }

  Figure figures_of(const LayerRecord& L) {
    Raster r = store_.read(L.id);
    Figure f{&L, areas_.sum(r, pop_id_.empty() ? nullptr : &pop_), {}};
    if (L.derivation == "zones") {
      // Which zones lie in each area, largest first.
      const auto& recs = store_.zones(L.id);
      std::map<int, std::string> names;
      for (const auto& z : recs) names[z.zone] = z.name.empty() ? z.code : z.name;
      std::vector<std::map<int, std::size_t>> count(areas_.size());
      for (std::size_t i = 0; i < r.values.size(); ++i) {
        int k = areas_.at(i);
        float v = r.values[i];
        if (k < 0 || std::isnan(v) || v < 1) continue;
        int z = static_cast<int>(std::lround(v));
        ++count[0][z];
        ++count[static_cast<std::size_t>(k)][z];
      }
      for (auto& c : count) {
        std::vector<std::pair<std::size_t, int>> order;
        for (auto [z, n] : c) order.emplace_back(n, z);
        std::sort(order.rbegin(), order.rend());
        std::vector<std::string> list;
        for (auto [n, z] : order) list.push_back(names.count(z) ? names[z] : std::to_string(z));
        f.zone_names.push_back(list);
      }
    }
    return f;
  }

  // The key figure of a layer for one area, as table text, and a sentence about it.
  std::pair<std::string, std::string> key_figure(const Figure& f, const Area& a,
                                                 std::size_t k) const {
    const LayerRecord& L = *f.layer;
    const Acc& acc = f.acc[k];
    const double cell_ha = store_.grid().cell_area_ha();
    const std::string term = short_title(L.title.empty() ? L.id : L.title);
    const bool area_share = L.derivation == "coverage" ||
                            ((L.derivation == "expression" || L.derivation == "point_areas") &&
                             (L.unit == "aandeel 0-1" || L.unit == "aanwezig 0/1"));
    if (area_share) {
      double covered = acc.sum * cell_ha, share = a.area_ha > 0 ? covered / a.area_ha : 0;
      std::string where = where_mostly(a, acc);
      std::string sentence =
          covered <= 0
              ? fmt::format("{} heeft geen {}.", a.name, lower_first(term))
              : fmt::format("{} van {} is {}{}{}.", upper_first(pct(share)), a.name,
                            lower_first(term), explain(term), where.empty() ? "" : ", " + where);
      return {fmt::format("{} ({} van {})", ha(covered), pct(share), esc(a.name)), sentence};
    }
    if (L.derivation == "presence") {
      std::string where = where_mostly(a, acc);
      auto n = static_cast<long>(acc.set);
      std::string sentence = n == 0 ? ""
                                    : fmt::format("{}{}: op {} {} in {}{}.", term, explain(term),
                                                  nl_number(n, 0), n == 1 ? "plek" : "plekken",
                                                  a.name, where.empty() ? "" : ", " + where);
      return {fmt::format("op {} {}", nl_number(n, 0), n == 1 ? "plek" : "plekken"), sentence};
    }
    if (L.derivation == "distance") {
      // Distances that matter to people are weighed by where they live.
      bool by_people = acc.pop > 0;
      double mean = by_people ? acc.pop_value / acc.pop : acc.data > 0 ? acc.sum / acc.data : 0;
      std::string target = lower_first(short_title(term, "(:;"));
      if (starts_with(target, "afstand tot ")) target = target.substr(12);
      std::string sentence =
          by_people ? fmt::format("Een inwoner van {} woont gemiddeld {} hemelsbreed van een {}.",
                                  a.name, km(mean), target)
                    : "";
      return {fmt::format("gemiddeld {}{}", km(mean), by_people ? " van huis" : ""), sentence};
    }
    if (L.derivation == "zones") {
      const auto& names = f.zone_names[k];
      std::vector<std::string> shown(
          names.begin(),
          names.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(names.size(), 4)));
      if (names.size() > 4) shown.push_back(fmt::format("nog {} andere", names.size() - 4));
      std::string text = names.empty() ? "geen" : esc(join_and(shown));
      std::string sentence =
          names.empty() ? "" : fmt::format("{} in {}: {}.", term, a.name, join_and(shown));
      return {text, sentence};
    }
    // Amounts: counted per cell (people, homes, pupils) add up; densities are averaged.
    std::string unit = L.unit;
    bool count = contains(unit, "per cel") || contains(unit, "(punt)");
    if (count) {
      unit = short_title(unit.substr(0, unit.find(" per cel")));
      return {fmt::format("{} {}", nl_number(acc.sum, 0), esc(unit)), ""};
    }
    double mean = acc.data > 0 ? acc.sum / acc.data : 0;
    return {fmt::format("gemiddeld {} {}", nl_number(mean, mean < 10 ? 1 : 0), esc(unit)), ""};
  }

  void group_section(const std::string& group, const std::vector<const LayerRecord*>& layers) {
    const GroupInfo info = group_info(group);
    std::vector<Figure> figs;
    for (const LayerRecord* L : layers) figs.push_back(figures_of(*L));

    // The map: the first area layer of the group, or else its point layers together.
    std::vector<std::string> pngs;
    Legend legend;
    std::string caption;
    const LayerRecord* cover = nullptr;
    std::vector<const LayerRecord*> points;
    for (const LayerRecord* L : layers) {
      if (L->derivation == "coverage" && !cover) cover = L;
      if (L->derivation == "presence" && points.size() < kPointColours.size()) points.push_back(L);
    }
    if (cover) {
      MapStyle style;
      style.ramp = kGreens, style.lo = 0, style.hi = 1, style.zero_blank = true;
      pngs = maps(store_.read(cover->id), style);
      legend.ramp = kGreens, legend.ramp_low = "een klein deel", legend.ramp_high = "de hele cel";
      caption =
          short_title(cover->title) + ": welk deel van elke cel van 25 bij 25 meter het beslaat";
      if (store_.grid().cell != 25)
        caption = short_title(cover->title) +
                  fmt::format(": welk deel van elke cel van {0} bij {0} meter het beslaat",
                              nl_number(store_.grid().cell, 0));
    } else if (!points.empty()) {
      Raster combined(store_.grid(), 0.0f);
      MapStyle style;
      style.dots = true;
      for (std::size_t i = 0; i < points.size(); ++i) {
        Raster r = store_.read(points[i]->id);
        for (std::size_t c = 0; c < r.values.size(); ++c)
          if (!std::isnan(r.values[c]) && r.values[c] != 0)
            combined.values[c] = static_cast<float>(i + 1);
        std::string label = short_title(points[i]->title, "(:");
        style.classes.push_back({static_cast<float>(i + 1), label, kPointColours[i], -1});
        legend.swatches.emplace_back(kPointColours[i], label);
      }
      pngs = maps(combined, style);
      std::vector<std::string> names;
      for (const auto* L : points) names.push_back(lower_first(short_title(L->title, "(:")));
      caption = "Waar de " + join_and(names) + " liggen";
    }

    each_page([&](Area& a, Page& p, std::size_t k) {
      p.body += fmt::format("<h3>{}</h3>\n", esc(info.title));
      std::vector<std::string> sentences{info.intro};
      int distance_sentences = 0;
      Table t;
      t.head = {"Kaartlaag", fmt::format("In {}", esc(a.name))};
      t.num_from = 2;
      for (const Figure& f : figs) {
        auto [cell, sentence] = key_figure(f, a, k);
        t.rows.push_back({esc(f.layer->title.empty() ? f.layer->id : f.layer->title), cell});
        bool is_distance = f.layer->derivation == "distance";
        if (is_distance && ++distance_sentences > 2) continue;  // the table has the rest
        if (!sentence.empty() && sentences.size() < 5) sentences.push_back(sentence);
      }
      p.para(sentences);
      if (k < pngs.size() && !pngs[k].empty())
        p.figure(pngs[k], fmt::format("{} in {}.", caption, a.name), legend);
      p.body += t.html();
    });
  }

  // ------------------------------------------------------------ 3. where development fits
  void suitability() {
    rules::RuleSet set = rules::load_rules(o_.rules);
    std::vector<std::string> kinds = o_.kinds;
    if (kinds.empty())
      for (const char* k : {"woningbouw", "zonnepark"})
        for (const auto& kd : set.kinds)
          if (kd.id == k) kinds.push_back(k);
    if (kinds.empty())
      for (const auto& kd : set.kinds) kinds.push_back(kd.id);
    std::vector<std::string> layer_ids;
    for (const auto& L : store_.manifest().layers) layer_ids.push_back(L.id);
    std::vector<std::string> titles;
    for (const auto& k : kinds) titles.push_back(lower_first(set.kind(k).title));

    each_page([&](Area& a, Page& p, std::size_t) {
      p.section("geschiktheid", "Waar past " + join_and(titles) + "?");
      p.para({fmt::format(
                  "De provincie heeft een afwegingskader: regels die zeggen waar een soort "
                  "ontwikkeling wel of niet past, elk met de reden en het beleid waar de regel uit "
                  "komt ({}, versie {}).",
                  set.name, set.version),
              fmt::format("Het model past die regels toe op elk stukje van {} en kijkt welke "
                          "regel het strengst is.",
                          a.name)});
    });
    for (const auto& kind : kinds) suitability_of(set, kind, layer_ids);
  }

  void suitability_of(const rules::RuleSet& set, const std::string& kind,
                      const std::vector<std::string>& layer_ids) {
    rules::CompiledRules compiled(set, kind, layer_ids);
    rules::Suitability result = rules::suitability(store_, compiled);
    auto rows = rules::class_areas(store_, result.verdict, {zones_layer_});
    const auto& list = areas_.list();
    std::vector<std::array<double, 5>> class_ha(list.size(), {0, 0, 0, 0, 0});
    for (const auto& r : rows)
      for (std::size_t k = 1; k < list.size(); ++k)
        if (list[k].code == r.code && list[k].name == (r.name.empty() ? r.code : r.name))
          for (int c = 0; c < 5; ++c) {
            class_ha[k][static_cast<std::size_t>(c)] += r.ha[c];
            class_ha[0][static_cast<std::size_t>(c)] += r.ha[c];
          }
    MapStyle style;
    Legend legend;
    for (int c = 4; c >= 0; --c) {
      const char* label = rules::dutch_label(static_cast<rules::Verdict>(c));
      style.classes.push_back({static_cast<float>(c), label, kVerdictColour[c], -1});
      legend.swatches.emplace_back(kVerdictColour[c], label);
    }
    auto pngs = maps(result.verdict, style);
    result = {};  // the rasters are no longer needed
    const rules::Kind& kd = set.kind(kind);
    std::size_t waiting = 0;
    for (const auto& r : set.rules) waiting += !r.enabled && r.applies_to(kind);

    each_page([&](Area& a, Page& p, std::size_t k) {
      const auto& h = class_ha[k];
      double total = 0;
      for (double v : h) total += v;
      auto share = [&](double v) { return total > 0 ? v / total : 0; };
      p.body += fmt::format("<h3>{}</h3>\n", esc(kd.title));
      std::vector<std::string> s;
      if (!kd.description.empty()) s.push_back(kd.description);
      s.push_back(fmt::format(
          "Voor {} in {} is {} vrij: daar staat geen regel het in de weg. Op {} kan het onder "
          "voorwaarden of na overleg.",
          lower_first(kd.title), a.name, pct(share(h[0])), pct(share(h[1] + h[2]))));
      s.push_back(fmt::format(
          "Op {} kan het alleen bij uitzondering ('nee, tenzij') en op {} is het verboden.",
          pct(share(h[3])), pct(share(h[4]))));
      if (waiting)
        s.push_back(
            fmt::format("{} regels wachten nog op kaartgegevens en tellen hier niet mee, dus in "
                        "werkelijkheid is minder vrij.",
                        waiting));
      p.para(s);
      if (k < pngs.size() && !pngs[k].empty())
        p.figure(pngs[k],
                 fmt::format("Waar past {} in {}? Het strengste oordeel van het afwegingskader "
                             "per cel.",
                             lower_first(kd.title), a.name),
                 legend);
      Table t;
      t.head = {"Oordeel", "Wat het betekent", "Hectare", "Aandeel"};
      t.num_from = 2;
      for (int c = 4; c >= 0; --c) {
        auto cu = static_cast<std::size_t>(c);
        t.rows.push_back({fmt::format("<span class=\"sw\" style=\"background:{}\"></span>{}",
                                      legend::css(kVerdictColour[c]),
                                      rules::dutch_label(static_cast<rules::Verdict>(c))),
                          kVerdictMeaning[c], nl_number(h[cu], 0), pct(share(h[cu]))});
        t.row_class.push_back("oordeel");
      }
      t.rows.push_back(
          {"<b>Totaal</b>", "", "<b>" + nl_number(total, 0) + "</b>", "100" + kNbsp + "%"});
      t.row_class.push_back("totaal");
      p.body += t.html();
    });
  }

  // ------------------------------------------------------------ 4. accessibility
  void accessibility() {
    std::vector<const LayerRecord*> norms, times;
    bool estimate = false;
    for (const auto& L : store_.manifest().layers) {
      if (starts_with(L.id, "norm_")) norms.push_back(&L);
      if (starts_with(L.id, "tijd_")) times.push_back(&L);
      if ((starts_with(L.id, "norm_") || starts_with(L.id, "tijd_")) &&
          (contains(L.title, "hemelsbreed") || contains(L.description, "hemelsbreed")))
        estimate = true;
    }
    if (norms.empty() || pop_id_.empty()) return;
    estimate_ = estimate;
    const auto& list = areas_.list();
    // Per norm and area: people meeting it, people with an estimate. The map counts the norms
    // each inhabited cell misses.
    std::vector<std::vector<std::pair<double, double>>> met(norms.size());
    Raster missed(store_.grid(), kNoData);
    for (std::size_t n = 0; n < norms.size(); ++n) {
      Raster r = store_.read(norms[n]->id);
      met[n].assign(list.size(), {0, 0});
      for (std::size_t i = 0; i < r.values.size(); ++i) {
        int k = areas_.at(i);
        float v = r.values[i], people = pop_.values[i];
        if (k < 0 || std::isnan(v) || !(people > 0)) continue;
        for (std::size_t a : {std::size_t(0), static_cast<std::size_t>(k)}) {
          met[n][a].second += people;
          if (v >= 0.5) met[n][a].first += people;
        }
        float& m = missed.values[i];
        m = std::min(3.0f, (std::isnan(m) ? 0.0f : m) + (v >= 0.5 ? 0.0f : 1.0f));
      }
    }
    std::vector<std::vector<double>> minutes(times.size());
    for (std::size_t t = 0; t < times.size(); ++t) {
      auto acc = areas_.sum(store_.read(times[t]->id), &pop_);
      for (const Acc& a : acc) minutes[t].push_back(a.pop > 0 ? a.pop_value / a.pop : NAN);
    }
    MapStyle style;
    Legend legend;
    const std::pair<unsigned, const char*> classes[4] = {{0x1a9641, "haalt alle normen"},
                                                         {0xfdae61, "mist 1 norm"},
                                                         {0xf46d43, "mist 2 normen"},
                                                         {0xd7191c, "mist 3 of meer"}};
    for (int c = 0; c < 4; ++c) {
      style.classes.push_back({static_cast<float>(c), classes[c].second, classes[c].first, -1});
      legend.swatches.emplace_back(classes[c].first, classes[c].second);
    }
    auto pngs = maps(missed, style);

    auto norm_title = [](const LayerRecord& L) {
      return short_title(L.title.empty() ? L.id : L.title);
    };
    each_page([&](Area& a, Page& p, std::size_t k) {
      p.section("bereikbaarheid", "Bereikbaarheid van voorzieningen");
      std::vector<std::string> s{
          "De provincie wil dat iedereen school, ziekenhuis, station en bus binnen een redelijke "
          "reistijd kan bereiken. Zo'n grens heet hier een norm."};
      std::size_t best = 0, worst = 0;
      auto share = [&](std::size_t n) {
        return met[n][k].second > 0 ? met[n][k].first / met[n][k].second : 0;
      };
      for (std::size_t n = 1; n < norms.size(); ++n) {
        if (share(n) > share(best)) best = n;
        if (share(n) < share(worst)) worst = n;
      }
      s.push_back(fmt::format("In {} haalt {} van de inwoners de norm '{}'.", a.name,
                              pct(share(best)), lower_first(norm_title(*norms[best]))));
      if (worst != best)
        s.push_back(fmt::format(
            "Het minst gehaald wordt '{}': {} van de inwoners, {} mensen wonen verder weg.",
            lower_first(norm_title(*norms[worst])), pct(share(worst)),
            nl_number(met[worst][k].second - met[worst][k].first, 0)));
      if (estimate)
        s.push_back(
            "Let op: de reistijden zijn een schatting hemelsbreed — de afstand in rechte lijn "
            "met een vaste omweg en snelheid — omdat er nog geen wegennet in het model zit.");
      p.para(s);
      Table t;
      t.head = {"Norm", "Inwoners die de norm halen", "Inwoners onder de norm"};
      for (std::size_t n = 0; n < norms.size(); ++n)
        t.rows.push_back({esc(norm_title(*norms[n])), pct(share(n)),
                          nl_number(met[n][k].second - met[n][k].first, 0)});
      p.body += t.html();
      if (k < pngs.size() && !pngs[k].empty())
        p.figure(pngs[k],
                 fmt::format("Hoeveel van de {} normen worden gehaald waar mensen wonen in {}?",
                             norms.size(), a.name),
                 legend);
      if (!times.empty()) p.body += times_table(times, minutes, k);
    });
  }

  // Mean minutes per facility (rows) and mode (columns), from tijd_<facility>_<mode> layers
  // titled "Reistijd naar <facility> (<mode>)…".
  static std::string times_table(const std::vector<const LayerRecord*>& times,
                                 const std::vector<std::vector<double>>& minutes, std::size_t k) {
    std::vector<std::string> kinds, modes;
    std::map<std::pair<std::string, std::string>, double> cell;
    for (std::size_t i = 0; i < times.size(); ++i) {
      const std::string& t = times[i]->title;
      std::string kind = short_title(t, "(,"), mode = times[i]->id;
      if (starts_with(kind, "Reistijd naar ")) kind = kind.substr(14);
      if (auto a = t.find('('), b = t.find(')'); a != std::string::npos && b > a)
        mode = t.substr(a + 1, b - a - 1);
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
      if (std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
      cell[{kind, mode}] = minutes[i][k];
    }
    Table tt;
    tt.caption =
        "Gemiddelde reistijd in minuten van een inwoner naar de dichtstbijzijnde voorziening";
    tt.head = {"Naar"};
    for (const auto& m : modes) tt.head.push_back(esc(m));
    for (const auto& kind : kinds) {
      std::vector<std::string> row{esc(upper_first(kind))};
      for (const auto& m : modes) {
        auto it = cell.find({kind, m});
        row.push_back(it == cell.end() || std::isnan(it->second) ? "–" : nl_number(it->second, 0));
      }
      tt.rows.push_back(row);
    }
    return tt.html();
  }

  // ------------------------------------------------------------ 5. allocation
  void allocation() {
    std::vector<const LayerRecord*> layers;
    for (const auto& L : store_.manifest().layers)
      if (starts_with(L.id, "toewijzing_")) layers.push_back(&L);
    if (layers.empty()) return;
    each_page([&](Area& a, Page& p, std::size_t) {
      p.section("toewijzing", "Wat waar terechtkomt: de toewijzing");
      p.para({fmt::format("Het model heeft de ruimteclaims — zoals woningen, natuur of energie — "
                          "over {} verdeeld volgens het afwegingskader.",
                          a.name),
              "De kaart laat zien welke claim elke plek krijgt; de tabel hoeveel hectare dat is."});
    });
    const auto& list = areas_.list();
    const double cell_ha = store_.grid().cell_area_ha();
    for (const LayerRecord* L : layers) {
      Raster r = store_.read(L->id);
      std::map<int, std::string> labels;
      if (auto it = store_.manifest().zones.find(L->id); it != store_.manifest().zones.end())
        for (const auto& z : it->second) labels[z.zone] = z.name.empty() ? z.code : z.name;
      std::map<int, std::vector<double>> hectares;  // claim -> ha per area
      for (std::size_t i = 0; i < r.values.size(); ++i) {
        int k = areas_.at(i);
        float v = r.values[i];
        if (k < 0 || std::isnan(v) || v < 1) continue;
        auto& h = hectares[static_cast<int>(std::lround(v))];
        if (h.empty()) h.assign(list.size(), 0);
        h[0] += cell_ha;
        h[static_cast<std::size_t>(k)] += cell_ha;
      }
      MapStyle style;
      Legend legend;
      std::size_t c = 0;
      for (const auto& [value, h] : hectares) {
        if (!labels.count(value)) labels[value] = fmt::format("claim {}", value);
        unsigned colour = kCategories[c++ % kCategories.size()];
        style.classes.push_back({static_cast<float>(value), labels[value], colour, -1});
        legend.swatches.emplace_back(colour, labels[value]);
      }
      auto pngs = maps(r, style);
      each_page([&](Area& a, Page& p, std::size_t k) {
        const std::string title = L->title.empty() ? L->id : L->title;
        p.body += fmt::format("<h3>{}</h3>\n", esc(title));
        Table t;
        t.head = {"Claim", "Hectare", "Aandeel"};
        for (const auto& [value, h] : hectares)
          t.rows.push_back(
              {esc(labels[value]), nl_number(h[k], 0), pct(a.area_ha > 0 ? h[k] / a.area_ha : 0)});
        if (k < pngs.size() && !pngs[k].empty())
          p.figure(pngs[k], fmt::format("{} in {}.", title, a.name), legend);
        p.body += t.html();
      });
    }
  }

  // ------------------------------------------------------------ 6. how it was made
  void method() {
    const StoreManifest& m = store_.manifest();
    std::string rules_line;
    if (!o_.rules.empty()) {
      rules::RuleSet set = rules::load_rules(o_.rules);
      rules_line =
          fmt::format("<li>Afwegingskader: {} (versie {}), {} regels waarvan {} in gebruik.</li>",
                      esc(set.name), esc(set.version), set.rules.size(),
                      std::count_if(set.rules.begin(), set.rules.end(),
                                    [](const rules::Rule& r) { return r.enabled; }));
    }
    // Every source file with the layers made from it.
    std::map<std::string, std::vector<std::string>> sources;
    for (const auto& L : m.layers)
      if (!L.source.empty() && !derived_layer(L.id))
        sources[fs::path(L.source).filename().string()].push_back(L.title.empty() ? L.id : L.title);
    Table t;
    t.head = {"Bronbestand", "Gebruikt voor"};
    t.num_from = 2;
    for (const auto& [file, titles] : sources)
      t.rows.push_back({"<code>" + esc(file) + "</code>", esc(join_and(titles))});
    const std::string attribution = QuicklookOptions{}.attribution;
    // Sources with their own credit line (official data from `casco data fetch`; CC BY).
    std::vector<std::string> credits;
    for (const auto& L : m.layers)
      if (std::string c = L.attribution; !c.empty()) {
        while (!c.empty() && (c.back() == '.' || c.back() == ' ')) c.pop_back();
        if (std::find(credits.begin(), credits.end(), c) == credits.end()) credits.push_back(c);
      }
    each_page([&](Area&, Page& p, std::size_t) {
      p.section("methode", "Hoe is dit gemaakt?");
      p.para(
          {fmt::format("Dit rapport is gemaakt met casco, het rekenmodel van de ruimtelijke "
                       "hoofdstructuur van {}.",
                       m.model_name),
           fmt::format(
               "Het model verdeelt het gebied in vakjes (cellen) van {0} bij {0} meter en zet "
               "per vakje de open gegevens hieronder op een rij. Alle getallen zijn berekend uit "
               "die vakjes en dus afgerond; inwoners en woningen zijn per wijk over de bewoonde "
               "vakjes verdeeld.",
               nl_number(m.grid.cell, 0)),
           "De zinnen in dit rapport zijn automatisch uit de cijfers gemaakt."});
      std::string caveat =
          estimate_ ? "<li>Reistijden: schatting hemelsbreed (afstand in rechte lijn met een vaste "
                      "omweg en snelheid), geen route over de weg.</li>"
                    : "";
      p.body += fmt::format(
          "<ul class=\"facts\"><li>Model: {} — gebouwd op {} met casco {} uit <code>{}</code>.</li>"
          "<li>Rapport: casco {}, {}.</li>{}{}</ul>\n",
          esc(m.model_name), esc(nl_date(m.built_at)), esc(m.casco_version), esc(m.definition_file),
          kVersion, esc(nl_date(utc_now_iso())), rules_line, caveat);
      p.body += "<h3>Bronnen</h3>\n";
      p.para({attribution + ". Licenties en beperkingen van elke bron staan in "
                            "data/drenthe/sources/README.md."});
      if (!credits.empty()) p.para({"Verder gebruikt dit model: " + esc(join_and(credits)) + "."});
      p.body += t.html();
    });
  }

  // ------------------------------------------------------------ page assembly
  std::string page_html(std::size_t k) const;

  const ReportOptions& o_;
  const Store& store_;
  std::string zones_layer_;
  WindowMapper mapper_;
  Areas areas_;
  std::vector<Page> pages_;
  std::string pop_id_;
  Raster pop_;
  bool estimate_ = false;
};

const char* kCss = R"(
:root{--ink:#1f2328;--muted:#5b6370;--line:#d8dde3;--accent:#1f5f8b;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:var(--ink);font-size:16px;line-height:1.6;background:#fff}
.wrap{max-width:58rem;margin:0 auto;padding:0 1.5rem 3rem}
header.top{background:var(--accent);color:#fff;padding:1.6rem 0 1.4rem;margin-bottom:1.5rem}
header.top a{color:#fff}
.kicker{margin:0;font-size:.85rem;letter-spacing:.04em;text-transform:uppercase;opacity:.85}
h1{font-size:2.3rem;line-height:1.2;margin:.3rem 0 .4rem}
.lead{font-size:1.1rem;margin:0;max-width:46rem}
nav.crumbs{font-size:.9rem;margin-bottom:.6rem}
nav.toc{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.7rem 1rem;font-size:.92rem}
nav.toc a{color:var(--accent);margin-right:1rem;white-space:nowrap}
h2{font-size:1.55rem;margin:2.4rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid var(--accent);color:var(--accent)}
h3{font-size:1.15rem;margin:1.8rem 0 .4rem}
p{margin:.5rem 0 1rem;max-width:46rem}
table{border-collapse:collapse;margin:.6rem 0 1.4rem;font-size:.92rem;width:100%}
caption{text-align:left;font-weight:bold;padding:.3rem 0;font-size:.92rem}
th,td{padding:.35rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:bold}
td.num,th.num{text-align:right;white-space:nowrap}
tr.totaal td{border-top:2px solid var(--ink)}
.sw{display:inline-block;width:.95em;height:.95em;border:1px solid #777;margin-right:.45em;vertical-align:-.1em}
figure{margin:1rem 0 1.6rem;break-inside:avoid}
figure img{display:block;max-width:100%;height:auto;max-height:82vh;border-radius:3px}
figcaption{font-size:.88rem;color:var(--muted);margin-top:.35rem}
.legend{font-size:.86rem;margin-top:.45rem;display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;align-items:center}
.ramp{display:inline-block;width:11rem;height:.8rem;border:1px solid #999;margin:0 .4rem;vertical-align:middle}
.unit{color:var(--muted)}
ul.facts{padding-left:1.2rem}
code{font-size:.86em;background:var(--bg);padding:0 .2em;border-radius:3px}
footer{border-top:1px solid var(--line);margin-top:3rem;padding-top:.8rem;font-size:.85rem;color:var(--muted)}
a{color:var(--accent)}
.others{font-size:.9rem;margin-top:2.5rem;padding-top:.8rem;border-top:1px solid var(--line)}
@page{size:A4;margin:14mm 13mm}
@media print{body{font-size:11pt}figure img{max-height:85mm}header.top{background:none;color:var(--ink);border-bottom:3px solid var(--accent);padding-top:0}header.top a{color:var(--accent)}nav.toc{display:none}h2{break-after:avoid}h3{break-after:avoid}table{break-inside:avoid}section{break-before:auto}.wrap{max-width:none;padding:0}}
)";

std::string Report::page_html(std::size_t k) const {
  const auto& list = areas_.list();
  const Area& a = list[k];
  const Page& p = pages_[k];
  std::vector<std::string> links;  // the other gemeente pages
  for (std::size_t g = 1; g < list.size(); ++g)
    if (list[g].page && g != k)
      links.push_back(fmt::format("<a href=\"{}\">{}</a>", esc(list[g].file), esc(list[g].name)));
  const std::string others = fmt::format("{}", fmt::join(links, " · "));
  std::string nav, more;
  if (k == 0) {
    nav = links.empty() ? "" : "<nav class=\"crumbs\">Gemeenten: " + others + "</nav>";
  } else {
    nav = fmt::format("<nav class=\"crumbs\"><a class=\"back\" href=\"index.html\">← {}</a></nav>",
                      esc(list[0].name));
    if (!links.empty())
      more = "<nav class=\"others\"><b>Andere gemeenten:</b> " + others + "</nav>\n";
  }
  std::string toc = "<nav class=\"toc\"><b>Inhoud:</b> ";
  for (const auto& [id, title] : p.toc)
    toc += fmt::format("<a href=\"#{}\">{}</a>", id, esc(title));
  toc += "</nav>";
  const std::string title = fmt::format("{} in kaart", a.name);
  const std::string lead =
      k == 0 ? fmt::format(
                   "Wat de omgevingsvisie betekent voor de provincie {}: wat er is, wat "
                   "waar past en hoe ver voorzieningen weg zijn. In gewone taal, met kaarten.",
                   a.name)
             : fmt::format(
                   "Wat de omgevingsvisie van {} betekent voor de gemeente {}: wat er is, "
                   "wat waar past en hoe ver voorzieningen weg zijn.",
                   list[0].name, a.name);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0}</title>\n<style>{1}</style>\n</head>\n<body>\n"
      "<header class=\"top\"><div class=\"wrap\" style=\"padding-bottom:0\">{2}"
      "<p class=\"kicker\">Omgevingsvisie {3} · ruimtelijk casco</p><h1>{0}</h1>"
      "<p class=\"lead\">{4}</p></div></header>\n<main "
      "class=\"wrap\">\n{5}\n{6}</section>\n{10}</main>\n"
      "<footer class=\"wrap\">Gemaakt met casco {7} op {8} uit het model {3}. {9}.</footer>\n"
      "</body>\n</html>\n",
      esc(title), kCss, nav, esc(list[0].name), esc(lead), toc, p.body, kVersion,
      esc(nl_date(utc_now_iso())), esc(QuicklookOptions{}.attribution), more);
}

// ---------------------------------------------------------------- PDF through Chromium

std::optional<fs::path> find_chromium() {
  if (const char* env = std::getenv("CASCO_CHROMIUM")) {
    if (*env && ::access(env, X_OK) == 0) return fs::path(env);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser"}) {
    for (std::size_t a = 0, b; a <= dirs.size(); a = b + 1) {
      b = dirs.find(':', a);
      if (b == std::string::npos) b = dirs.size();
      fs::path candidate = fs::path(dirs.substr(a, b - a)) / name;
      if (b > a && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return std::nullopt;
}

// Runs Chromium headless to print `html` to `pdf`; quiet, with a fresh profile, killed after two
// minutes. Returns an error text, empty on success.
std::string print_pdf(const fs::path& chromium, const fs::path& html, const fs::path& pdf,
                      const fs::path& profile) {
  std::vector<std::string> args = {chromium.string(),
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--no-pdf-header-footer",
                                   "--user-data-dir=" + profile.string(),
                                   "--print-to-pdf=" + pdf.string(),
                                   html.string()};
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return "cannot start chromium (fork failed)";
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      for (int fd = 0; fd < 3; ++fd) (void)dup2(null, fd);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) return "cannot wait for chromium";
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return "chromium took longer than two minutes";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(pdf))
    return fmt::format("chromium exited with status {}",
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return "";
}

// A sibling folder that replaces the report folder at the end, or is removed on failure.
class TempFolder {
 public:
  explicit TempFolder(fs::path target) : target_(std::move(target)) {
    fs::path parent = target_.parent_path().empty() ? fs::path(".") : target_.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) fail("cannot create folder '{}': {}", parent.string(), ec.message());
    temp_ = parent / fmt::format(".{}.tmp-{}", target_.filename().string(), getpid());
    fs::remove_all(temp_, ec);
    fs::create_directories(temp_, ec);
    if (ec) fail("cannot create folder '{}': {}", temp_.string(), ec.message());
  }
  ~TempFolder() {
    std::error_code ec;
    if (!committed_) fs::remove_all(temp_, ec);
  }
  const fs::path& path() const { return temp_; }
  void commit() {
    std::error_code ec;
    fs::path old =
        temp_.parent_path() / fmt::format(".{}.old-{}", target_.filename().string(), getpid());
    if (fs::exists(target_)) {
      fs::rename(target_, old, ec);
      if (ec) fail("cannot replace '{}': {}", target_.string(), ec.message());
    }
    fs::rename(temp_, target_, ec);
    if (ec) {
      std::error_code ignore;
      if (fs::exists(old)) fs::rename(old, target_, ignore);
      fail("cannot write '{}': {}", target_.string(), ec.message());
    }
    committed_ = true;
    fs::remove_all(old, ec);
  }

 private:
  fs::path target_, temp_;
  bool committed_ = false;
};

}  // namespace

ReportResult write_report(const ReportOptions& options) {
  // "out/rapport/" names the folder "rapport" too; "." or ".." cannot be replaced as a whole.
  fs::path out_dir = options.out.lexically_normal();
  if (out_dir.filename().empty()) out_dir = out_dir.parent_path();
  if (out_dir.empty() || out_dir.filename() == "." || out_dir.filename() == "..")
    fail("give a folder of its own for the report (--out), e.g. out/rapport, not '{}'",
         options.out.string());
  if (options.map_size < 100)
    fail("map size {} px is too small (use at least 100)", options.map_size);
  if (!fs::exists(options.store))
    fail("store '{}' does not exist; build it first with 'casco build MODEL -o {}'",
         options.store.string(), options.store.string());
  if (!options.rules.empty()) rules::load_rules(options.rules);  // fail early on a bad rule file
  Store store = Store::open(options.store);
  Report report(options, store);
  report.build();

  ReportResult result;
  TempFolder temp(out_dir);
  std::vector<std::size_t> written;
  for (std::size_t k = 0; k < report.areas().size(); ++k)
    if (report.areas()[k].page) written.push_back(k);
  std::optional<fs::path> chromium = options.pdf ? find_chromium() : std::nullopt;
  result.chromium_missing = options.pdf && !chromium;
  Progress progress("rapport", written.size() * (chromium ? 2 : 1));
  for (std::size_t k : written) {
    check_interrupted();
    const fs::path file = temp.path() / report.areas()[k].file;
    std::ofstream out(file, std::ios::binary);
    out << report.html(k);
    out.close();
    if (!out) fail("cannot write '{}'", file.string());
    result.pages.push_back(out_dir / report.areas()[k].file);
    progress.advance();
  }
  if (chromium) {
    // Two Chromiums at a time: each is mostly start-up and one core of layout.
    const fs::path profiles = temp.path() / ".chromium";
    std::vector<std::future<std::string>> jobs;
    std::vector<std::string> errors(written.size());
    const std::size_t parallel = 2;
    for (std::size_t start = 0; start < written.size(); start += parallel) {
      check_interrupted();
      jobs.clear();
      for (std::size_t j = start; j < std::min(written.size(), start + parallel); ++j) {
        const std::string name = report.areas()[written[j]].file;
        const fs::path html = fs::absolute(temp.path() / name);
        const fs::path pdf = fs::absolute(temp.path() / (name.substr(0, name.size() - 5) + ".pdf"));
        const fs::path profile = profiles / std::to_string(j);
        jobs.push_back(std::async(std::launch::async, [=, &chromium] {
          return print_pdf(*chromium, html, pdf, profile);
        }));
      }
      for (std::size_t j = 0; j < jobs.size(); ++j) {
        errors[start + j] = jobs[j].get();
        progress.advance();
      }
    }
    std::error_code ec;
    fs::remove_all(profiles, ec);
    for (std::size_t j = 0; j < written.size(); ++j) {
      const std::string name = report.areas()[written[j]].file;
      if (!errors[j].empty())
        fail("cannot print '{}' as PDF: {}; use --no-pdf to write only the HTML pages", name,
             errors[j]);
      result.pdfs.push_back(out_dir / (name.substr(0, name.size() - 5) + ".pdf"));
    }
  }
  progress.finish();
  temp.commit();
  if (result.chromium_missing)
    warn(
        "PDFs need Chromium (Debian package chromium: apt-get install chromium); wrote the HTML "
        "pages only");
  return result;
}

}  // namespace casco::report
