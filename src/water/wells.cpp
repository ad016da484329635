// Reading well time series: a table with one reading per row, DINOloket Grondwaterstanden CSV
// exports, or BRO GLD + GMW XML (bro.cpp); cleaning them (missing, duplicate, absurd readings
// skipped and counted per well).
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "water/bro.hpp"
#include "water/groundwater.hpp"

namespace casco::water {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  for (auto& s : out) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool parse_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  std::string t = s;
  std::replace(t.begin(), t.end(), ',', '.');
  char* end = nullptr;
  v = std::strtod(t.c_str(), &end);
  return end && *end == '\0' && std::isfinite(v);
}

// "2008-01-28", "2008-01-28T10:00:00", "28-01-2008" or "28/01/2008" → days since 1970-01-01.
bool parse_day(const std::string& s, int& day) {
  int y = 0, m = 0, d = 0;
  char a = 0, b = 0;
  std::istringstream in(s);
  if (s.size() >= 10 && (s[4] == '-' || s[4] == '/')) {
    in >> y >> a >> m >> b >> d;
  } else if (s.size() >= 10 && (s[2] == '-' || s[2] == '/')) {
    in >> d >> a >> m >> b >> y;
  } else {
    return false;
  }
  if (!in && !in.eof()) return false;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return false;
  day = static_cast<int>(std::chrono::sys_days(ymd).time_since_epoch().count());
  return true;
}

// Sorts the readings, drops same-day duplicates and absurd values, and counts each. BRO series
// (sensors read every hour) keep every reading of a day through the checks, each checked on its
// own, and the day's plausible readings then become its mean (counted in `averaged`).
void clean(Well& w, const WellOptions& o) {
  std::stable_sort(w.readings.begin(), w.readings.end(),
                   [](const Reading& a, const Reading& b) { return a.day < b.day; });
  const bool daily_mean = w.source == "BRO";
  std::vector<Reading> kept;
  for (const Reading& r : w.readings) {
    if (!daily_mean && !kept.empty() && kept.back().day == r.day) {
      ++w.skipped.duplicate;
      continue;
    }
    kept.push_back(r);
  }
  std::vector<Reading> plausible;
  for (const Reading& r : kept) {
    if (std::isfinite(w.tube_top) && r.head > w.tube_top + o.max_above_tube_m) {
      ++w.skipped.above_tube;
    } else if (std::isfinite(w.screen_bottom) && r.head < w.screen_bottom - o.dry_margin_m) {
      ++w.skipped.dry;
    } else {
      plausible.push_back(r);
    }
  }
  // Outliers against the well's own median and robust spread (MAD).
  if (plausible.size() >= 5) {
    std::vector<double> h;
    for (const Reading& r : plausible) h.push_back(r.head);
    auto median = [](std::vector<double> v) {
      std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
      return v[v.size() / 2];
    };
    const double med = median(h);
    for (double& v : h) v = std::abs(v - med);
    const double mad = median(h);
    const double limit = std::max(o.outlier_spread * 1.4826 * mad, o.outlier_min_m);
    std::vector<Reading> ok;
    for (const Reading& r : plausible) {
      if (std::abs(r.head - med) > limit)
        ++w.skipped.outlier;
      else
        ok.push_back(r);
    }
    plausible.swap(ok);
  }
  const std::size_t absurd = w.skipped.above_tube + w.skipped.dry + w.skipped.outlier;
  const std::size_t seen = absurd + plausible.size();
  w.unreliable = seen > 0 && static_cast<double>(absurd) > o.unreliable_share * seen;
  if (daily_mean) {
    std::vector<Reading> days;
    std::size_t n = 0;
    for (const Reading& r : plausible) {
      if (!days.empty() && days.back().day == r.day) {
        days.back().head += r.head;
        ++n;
        ++w.averaged;
        continue;
      }
      if (n > 1) days.back().head /= static_cast<double>(n);
      days.push_back(r);
      n = 1;
    }
    if (n > 1) days.back().head /= static_cast<double>(n);
    plausible.swap(days);
  }
  w.readings.swap(plausible);
}

// The column index of the first name found, or -1.
int column(const std::vector<std::string>& header, std::initializer_list<const char*> names) {
  for (const char* n : names)
    for (std::size_t i = 0; i < header.size(); ++i)
      if (lower(header[i]) == n) return static_cast<int>(i);
  return -1;
}

void read_table(const fs::path& file, std::ifstream& in, const std::string& header_line,
                std::map<std::string, Well>& wells, std::size_t& rows) {
  const auto header = split_csv(header_line);
  const int c_put = column(header, {"put", "locatie", "well", "monitoring_well", "bro_id"});
  const int c_filter = column(header, {"filter", "filternummer", "tube", "tube_nr", "buis"});
  const int c_date = column(header, {"datum", "peildatum", "date", "tijdstip", "time"});
  const int c_head =
      column(header, {"stijghoogte_m_nap", "stand_m_nap", "head_m_nap", "head", "stijghoogte"});
  const int c_top = column(header, {"meetpunt_m_nap", "tube_top", "bovenkant_buis_m_nap"});
  const int c_ground = column(header, {"maaiveld_m_nap", "ground_level", "maaiveld"});
  const int c_st = column(header, {"filter_boven_m_nap", "screen_top"});
  const int c_sb = column(header, {"filter_onder_m_nap", "screen_bottom"});
  const int c_x = column(header, {"x_rd", "x", "x-coordinaat", "x_coordinaat"});
  const int c_y = column(header, {"y_rd", "y", "y-coordinaat", "y_coordinaat"});
  std::vector<std::string> missing;
  if (c_put < 0) missing.push_back("put");
  if (c_date < 0) missing.push_back("datum");
  if (c_head < 0) missing.push_back("stijghoogte_m_nap");
  if (c_x < 0) missing.push_back("x_rd");
  if (c_y < 0) missing.push_back("y_rd");
  if (!missing.empty())
    fail(
        "{}:1: well table lacks column(s) {}: expected put, filter, datum, stijghoogte_m_nap, "
        "x_rd, y_rd (and optionally meetpunt_m_nap, maaiveld_m_nap, filter_boven_m_nap, "
        "filter_onder_m_nap)",
        file.string(), fmt::join(missing, ", "));
  std::string line;
  int lineno = 1;
  auto num = [](const std::vector<std::string>& f, int c) {
    double v = Well::kNaN;
    if (c >= 0 && c < static_cast<int>(f.size())) parse_number(f[c], v);
    return v;
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv(line);
    if (static_cast<int>(f.size()) <= std::max({c_put, c_date, c_head, c_x, c_y}))
      fail("{}:{}: {} fields, the header has {}: a broken line", file.string(), lineno, f.size(),
           header.size());
    const std::string filter = c_filter >= 0 ? f[c_filter] : "1";
    const std::string id = f[c_put] + "-" + filter;
    auto [it, fresh] = wells.try_emplace(id);
    Well& w = it->second;
    if (fresh) {
      w.id = id;
      w.put = f[c_put];
      w.filter = filter;
      w.file = file.string();
      w.source = "tabel";
      w.x = num(f, c_x);
      w.y = num(f, c_y);
      if (!std::isfinite(w.x) || !std::isfinite(w.y))
        fail("{}:{}: well {} has no coordinates (x_rd, y_rd)", file.string(), lineno, id);
      w.tube_top = num(f, c_top);
      w.ground = num(f, c_ground);
      w.screen_top = num(f, c_st);
      w.screen_bottom = num(f, c_sb);
    }
    ++rows;
    Reading r;
    if (!parse_day(f[c_date], r.day) || !parse_number(f[c_head], r.head) ||
        std::abs(r.head) > 1000) {
      ++w.skipped.missing;
      continue;
    }
    w.readings.push_back(r);
  }
}

// DINOloket "Grondwaterstanden" export: a header block, a table of filter metadata per period
// (Locatie, Filternummer, ..., X-coordinaat, Y-coordinaat, Maaiveld (cm t.o.v. NAP), Startdatum,
// Einddatum, Meetpunt (cm t.o.v. NAP), ..., Bovenkant/Onderkant filter (cm t.o.v. NAP)), then the
// readings (Locatie, Filternummer, Peildatum, Stand (cm t.o.v. MP), Stand (cm t.o.v. MV), Stand
// (cm t.o.v. NAP), Bijzonderheid, ...). Heights in cm.
class DinoReader {
 public:
  DinoReader(const fs::path& file, std::map<std::string, Well>& wells, std::size_t& rows)
      : file_(file), wells_(wells), rows_(rows) {}

  void read(std::ifstream& in) {
    std::string line;
    while (std::getline(in, line)) {
      ++lineno_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto f = split_csv(line);
      const bool blank =
          std::all_of(f.begin(), f.end(), [](const std::string& x) { return x.empty(); });
      if (f.size() > 2 && lower(f[0]) == "locatie" && lower(f[1]) == "filternummer")
        header(f);
      else if (!blank && part_ == Meta)
        meta(f);
      else if (!blank && part_ == Readings)
        reading(f);
    }
    if (!well_)
      fail("{}: no DINO filter metadata found (expected a 'Locatie,Filternummer,...' table)",
           file_.string());
  }

 private:
  struct Period {
    int start = 0;
    double tube_top = Well::kNaN, ground = Well::kNaN, st = Well::kNaN, sb = Well::kNaN;
  };

  static double cm(const std::vector<std::string>& f, int c) {
    double v = Well::kNaN;
    if (c >= 0 && c < static_cast<int>(f.size()) && parse_number(f[c], v)) v /= 100.0;
    return v;
  }

  void header(const std::vector<std::string>& f) {
    if (column(f, {"peildatum"}) >= 0) {
      part_ = Readings;
      r_date_ = column(f, {"peildatum"});
      r_mp_ = column(f, {"stand (cm t.o.v. mp)"});
      r_nap_ = column(f, {"stand (cm t.o.v. nap)"});
      r_remark_ = column(f, {"bijzonderheid"});
      if (r_nap_ < 0 && r_mp_ < 0)
        fail("{}:{}: DINO readings without 'Stand (cm t.o.v. NAP)' or 'Stand (cm t.o.v. MP)'",
             file_.string(), lineno_);
      return;
    }
    part_ = Meta;
    m_x_ = column(f, {"x-coordinaat"});
    m_y_ = column(f, {"y-coordinaat"});
    m_ground_ = column(f, {"maaiveld (cm t.o.v. nap)"});
    m_start_ = column(f, {"startdatum"});
    m_top_ = column(f, {"meetpunt (cm t.o.v. nap)"});
    m_st_ = column(f, {"bovenkant filter (cm t.o.v. nap)"});
    m_sb_ = column(f, {"onderkant filter (cm t.o.v. nap)"});
    if (m_x_ < 0 || m_y_ < 0)
      fail("{}:{}: DINO metadata without X-coordinaat and Y-coordinaat", file_.string(), lineno_);
  }

  // A row of filter metadata: the well's position, and a period of its tube top, ground and
  // filter (the latest describes the well as it is now).
  void meta(const std::vector<std::string>& f) {
    if (f.size() < 2 || f[0].empty())
      fail("{}:{}: a DINO metadata row without Locatie and Filternummer", file_.string(), lineno_);
    const std::string filter = std::to_string(std::atoi(f[1].c_str()));
    const std::string id = f[0] + f[1] + "-" + filter;
    auto [it, fresh] = wells_.try_emplace(id);
    well_ = &it->second;
    if (fresh) {
      well_->id = id;
      well_->put = f[0] + f[1];
      well_->filter = filter;
      well_->file = file_.string();
      well_->source = "DINO";
    }
    double x = Well::kNaN, y = Well::kNaN;
    if (m_x_ < static_cast<int>(f.size())) parse_number(f[m_x_], x);
    if (m_y_ < static_cast<int>(f.size())) parse_number(f[m_y_], y);
    if (!std::isfinite(x) || !std::isfinite(y))
      fail("{}:{}: well {} has no X-/Y-coordinaat", file_.string(), lineno_, id);
    well_->x = x;
    well_->y = y;
    Period p;
    if (m_start_ < 0 || m_start_ >= static_cast<int>(f.size()) || !parse_day(f[m_start_], p.start))
      p.start = -100000;
    p.tube_top = cm(f, m_top_);
    p.ground = cm(f, m_ground_);
    p.st = cm(f, m_st_);
    p.sb = cm(f, m_sb_);
    periods_.push_back(p);
    well_->tube_top = p.tube_top;
    well_->ground = p.ground;
    well_->screen_top = p.st;
    well_->screen_bottom = p.sb;
  }

  // A reading: the stand in cm NAP, or below the measuring point valid on that day.
  void reading(const std::vector<std::string>& f) {
    if (!well_) fail("{}:{}: DINO readings before the filter metadata", file_.string(), lineno_);
    ++rows_;
    if (r_remark_ >= 0 && r_remark_ < static_cast<int>(f.size()) && !f[r_remark_].empty()) {
      ++well_->skipped.remarked;
      return;
    }
    Reading r;
    const bool dated = r_date_ < static_cast<int>(f.size()) && parse_day(f[r_date_], r.day);
    double nap = cm(f, r_nap_);
    const double below_mp = cm(f, r_mp_);
    if (!std::isfinite(nap) && std::isfinite(below_mp) && dated) {
      double top = Well::kNaN;
      for (const Period& p : periods_)
        if (p.start <= r.day) top = p.tube_top;
      nap = top - below_mp;
    }
    if (!dated || !std::isfinite(nap)) {
      ++well_->skipped.missing;
      return;
    }
    r.head = nap;
    well_->readings.push_back(r);
  }

  const fs::path& file_;
  std::map<std::string, Well>& wells_;
  std::size_t& rows_;
  int lineno_ = 0;
  enum { Header, Meta, Readings } part_ = Header;
  Well* well_ = nullptr;
  std::vector<Period> periods_;
  int m_x_ = -1, m_y_ = -1, m_ground_ = -1, m_start_ = -1, m_top_ = -1, m_st_ = -1, m_sb_ = -1;
  int r_date_ = -1, r_mp_ = -1, r_nap_ = -1, r_remark_ = -1;
};

// What a folder (or file) holds while it is read: the CSV wells, and the BRO dossiers and wells
// that are joined once every file has been read.
struct Collected {
  std::map<std::string, Well> wells;
  WellSet set;
  std::vector<std::string> formats;  // in the order first met
  std::vector<bro::LevelDossier> glds;
  std::map<std::string, bro::MonitoringWell> gmws;  // by broId (the first file of a well wins)

  void format(const std::string& f) {
    if (std::find(formats.begin(), formats.end(), f) == formats.end()) formats.push_back(f);
  }
};

// The first bytes of a file (an XML dispatch may be one line of 30 MB).
std::string head_of(const fs::path& file, std::size_t n) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("cannot read well file '{}'", file.string());
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

void read_bro(const fs::path& file, Collected& st) {
  bro::Document doc = bro::read_document(file);
  st.format("BRO");
  if (doc.kind == bro::Document::Gld)
    st.glds.push_back(std::move(doc.gld));
  else
    st.gmws.try_emplace(doc.gmw.id, std::move(doc.gmw));
}

void read_file(const fs::path& file, Collected& st) {
  if (bro::looks_like_xml(head_of(file, 512))) return read_bro(file, st);
  std::ifstream in(file);
  if (!in) fail("cannot read well file '{}'", file.string());
  std::string first;
  std::getline(in, first);
  if (!first.empty() && first.back() == '\r') first.pop_back();
  const std::string l = lower(first);
  if (l.rfind("titel", 0) == 0 || l.rfind("locatie,filternummer", 0) == 0) {
    in.clear();
    in.seekg(0);
    DinoReader(file, st.wells, st.set.rows).read(in);
    st.format("DINO");
  } else {
    read_table(file, in, first, st.wells, st.set.rows);
    st.format("tabel");
  }
}

// "001" and "1" name the same tube.
std::string tube_key(const std::string& t) {
  std::size_t i = 0;
  while (i + 1 < t.size() && t[i] == '0') ++i;
  return t.substr(i);
}

// Each GLD joined to its GMW and tube: the well's position, tube top, screen and ground level.
// Per day only the readings of the best kind are kept (fully assessed over provisional over
// other regular readings over control measurements); the others count as duplicates.
void join_bro(Collected& st, const fs::path& where) {
  std::map<std::string, std::vector<bro::RankedReading>> ranked;
  for (bro::LevelDossier& g : st.glds) {
    auto it = st.gmws.find(g.well);
    if (it == st.gmws.end())
      fail(
          "{}: GLD {} was measured in well {} (tube {}), but no GMW file of that well is in "
          "'{}': add it (https://publiek.broservices.nl/gm/gmw/v1/objects/{}) next to the GLD",
          g.file, g.id, g.well, g.tube, where.string(), g.well);
    const bro::MonitoringWell& m = it->second;
    auto tube = std::find_if(m.tubes.begin(), m.tubes.end(), [&](const bro::Tube& t) {
      return tube_key(t.number) == tube_key(g.tube);
    });
    if (tube == m.tubes.end()) {
      std::vector<std::string> numbers;
      for (const bro::Tube& t : m.tubes) numbers.push_back(t.number);
      fail("{}: GLD {} was measured in tube {} of well {}, but {} has no such tube (tubes: {})",
           g.file, g.id, g.tube, g.well, m.file,
           numbers.empty() ? "none" : fmt::format("{}", fmt::join(numbers, ", ")));
    }
    const std::string id = m.id + "-" + tube_key(tube->number);
    auto [wi, fresh] = st.wells.try_emplace(id);
    Well& w = wi->second;
    if (fresh) {
      w.id = id;
      w.put = m.id;
      w.filter = tube_key(tube->number);
      w.file = g.file;
      w.source = "BRO";
      w.crs = m.crs;
      w.x = m.x;
      w.y = m.y;
      w.ground = m.ground;
      w.tube_top = tube->tube_top;
      w.screen_top = tube->screen_top;
      w.screen_bottom = tube->screen_bottom;
    }
    st.set.rows += g.rows;
    w.skipped.missing += g.skipped.missing;
    w.skipped.rejected += g.skipped.rejected;
    w.skipped.undecided += g.skipped.undecided;
    auto& r = ranked[id];
    r.insert(r.end(), g.readings.begin(), g.readings.end());
  }
  for (auto& [id, readings] : ranked) {
    Well& w = st.wells.at(id);
    std::stable_sort(readings.begin(), readings.end(),
                     [](const bro::RankedReading& a, const bro::RankedReading& b) {
                       return a.day != b.day ? a.day < b.day : a.rank > b.rank;
                     });
    int best = -1, day = 0;
    for (const bro::RankedReading& r : readings) {
      if (best < 0 || r.day != day) {
        day = r.day;
        best = r.rank;
      }
      if (r.rank < best)
        ++w.skipped.duplicate;
      else
        w.readings.push_back({r.day, r.head});
    }
  }
}

}  // namespace

WellSet read_wells(const fs::path& path, const WellOptions& options, const std::string& model_crs) {
  if (!fs::exists(path))
    fail("well data '{}' does not exist: check grondwater.path in the water configuration",
         path.string());
  Collected st;
  fs::path where = path;
  if (fs::is_directory(path)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(path)) {
      const std::string ext = lower(e.path().extension().string());
      if (e.is_regular_file() && (ext == ".csv" || ext == ".xml")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) fail("folder '{}' holds no .csv or .xml well files", path.string());
    for (const auto& f : files) read_file(f, st);
  } else {
    read_file(path, st);
    where = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    if (!st.glds.empty()) {
      // A GLD alone: its well (GMW) is looked up among the XML files next to it.
      std::vector<fs::path> siblings;
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(where, ec))
        if (e.is_regular_file(ec) && lower(e.path().extension().string()) == ".xml" &&
            !fs::equivalent(e.path(), path, ec) && bro::looks_like_gmw(head_of(e.path(), 4096)))
          siblings.push_back(e.path());
      std::sort(siblings.begin(), siblings.end());
      for (const auto& f : siblings) read_bro(f, st);
    } else if (!st.gmws.empty()) {
      fail(
          "{}: a BRO GMW (well) holds no readings: give its GLD files, or the folder of GLD and "
          "GMW files",
          path.string());
    }
  }
  join_bro(st, where);
  WellSet set = std::move(st.set);
  set.path = path;
  set.format = fmt::format("{}", fmt::join(st.formats, " + "));
  auto to = make_srs(model_crs, "the model");
  std::map<std::string, Transform> transforms;  // by the CRS of the file
  for (auto& [id, w] : st.wells) {
    const std::string crs = w.crs.empty() ? options.crs : w.crs;
    auto t = transforms.find(crs);
    if (t == transforms.end())
      t = transforms
              .emplace(crs, make_transform(make_srs(crs, w.crs.empty() ? "grondwater.crs"
                                                                       : w.file + " (srsName)"),
                                           to))
              .first;
    if (t->second && !t->second->Transform(1, &w.x, &w.y))
      fail("{}: cannot transform the coordinates of well {} from {} to {}", w.file, id, crs,
           model_crs);
    clean(w, options);
    set.wells.push_back(std::move(w));
  }
  return set;
}

}  // namespace casco::water
