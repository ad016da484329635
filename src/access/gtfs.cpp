// GTFS reading for one service date: CSV parsing (quotes, BOM, CRLF, any column order), service
// calendars, stop times (with interpolation of untimed stops), grouping of trips into RAPTOR
// routes without overtaking, reprojection and walking transfers. See docs/access_transit.md.
#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "access/transit.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"

namespace casco::access {
namespace {

constexpr std::size_t kMaxWarnings = 1000;

// Collects row-level warnings, keeping the first kMaxWarnings.
struct Warnings {
  std::vector<std::string>& out;
  std::size_t dropped = 0;
  template <typename... Args>
  void add(fmt::format_string<Args...> f, Args&&... args) {
    if (out.size() < kMaxWarnings)
      out.push_back(fmt::format(f, std::forward<Args>(args)...));
    else
      ++dropped;
  }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The feed: a folder or a .zip (through GDAL's /vsizip/).
struct Feed {
  std::string base;     // folder path or "/vsizip/<path>"
  std::string display;  // the path as given

  std::string file(const std::string& name) const { return base + "/" + name; }
  bool has(const std::string& name) const {
    VSIStatBufL st;
    return VSIStatL(file(name).c_str(), &st) == 0 && !VSI_ISDIR(st.st_mode);
  }
  std::string read(const std::string& name) const {
    VSILFILE* f = VSIFOpenL(file(name).c_str(), "rb");
    if (!f) fail("GTFS feed {}: cannot open {}: {}", display, name, CPLGetLastErrorMsg());
    std::string text;
    std::array<char, 1 << 16> buf;
    for (;;) {
      std::size_t n = VSIFReadL(buf.data(), 1, buf.size(), f);
      text.append(buf.data(), n);
      if (n < buf.size()) break;
    }
    VSIFCloseL(f);
    return text;
  }
};

// RFC 4180 CSV: quoted fields ("" escapes a quote, newlines allowed inside quotes), a UTF-8 BOM,
// LF, CRLF or CR line ends, blank lines skipped; unquoted fields are trimmed of spaces.
class Csv {
 public:
  explicit Csv(std::string text) : text_(std::move(text)) {
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
  }

  // The next non-blank record and the file line it starts on; false at the end.
  bool next(std::vector<std::string>& fields, std::size_t& line) {
    const std::size_t n = text_.size();
    for (;;) {
      fields.clear();
      if (pos_ >= n) return false;
      line = line_;
      for (;;) {
        std::string field;
        std::size_t p = pos_;
        while (p < n && (text_[p] == ' ' || text_[p] == '\t')) ++p;
        if (p < n && text_[p] == '"') {
          pos_ = p + 1;
          while (pos_ < n) {
            char c = text_[pos_];
            if (c == '"') {
              if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
                field += '"';
                pos_ += 2;
                continue;
              }
              ++pos_;
              break;
            }
            if (c == '\n') ++line_;
            field += c;
            ++pos_;
          }
          while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
            ++pos_;  // anything after the closing quote is ignored
        } else {
          std::size_t start = pos_;
          while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
            ++pos_;
          field = trim(std::string_view(text_).substr(start, pos_ - start));
        }
        fields.push_back(std::move(field));
        if (pos_ >= n) break;
        char c = text_[pos_++];
        if (c == ',') continue;
        if (c == '\r' && pos_ < n && text_[pos_] == '\n') ++pos_;
        ++line_;
        break;
      }
      if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
      return true;
    }
  }

 private:
  std::string text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// One GTFS table: header lookup and the current row.
class Table {
 public:
  Table(const Feed& feed, std::string name) : name_(std::move(name)), csv_(feed.read(name_)) {
    std::vector<std::string> header;
    std::size_t line = 0;
    if (!csv_.next(header, line))
      fail("GTFS feed {}: {} is empty: it needs a header line with the column names", feed.display,
           name_);
    for (std::size_t i = 0; i < header.size(); ++i) cols_.emplace(header[i], static_cast<int>(i));
    display_ = feed.display;
  }

  const std::string& name() const { return name_; }
  std::size_t line() const { return line_; }

  // Column index; -1 when absent and optional; throws when absent and required.
  int col(const std::string& column, bool required = true) const {
    auto it = cols_.find(column);
    if (it != cols_.end()) return it->second;
    if (required)
      fail("GTFS feed {}: {} has no column '{}' in its header: GTFS requires it", display_, name_,
           column);
    return -1;
  }

  bool next() { return csv_.next(row_, line_); }

  // The field of the current row; empty when the column is absent or the row too short.
  const std::string& operator[](int c) const {
    static const std::string empty;
    return c < 0 || static_cast<std::size_t>(c) >= row_.size() ? empty : row_[c];
  }

 private:
  std::string name_, display_;
  Csv csv_;
  std::unordered_map<std::string, int> cols_;
  std::vector<std::string> row_;
  std::size_t line_ = 0;
};

constexpr int32_t kBadTime = -1, kNoTime = -2;

// "H:MM:SS" (H may exceed 23, one to three digits); kNoTime when empty, kBadTime when malformed.
int32_t parse_time(std::string_view s) {
  if (s.empty()) return kNoTime;
  auto c1 = s.find(':');
  if (c1 == std::string_view::npos) return kBadTime;
  auto c2 = s.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return kBadTime;
  auto num = [](std::string_view d, std::size_t min_len, std::size_t max_len) -> int {
    if (d.size() < min_len || d.size() > max_len) return -1;
    int v = 0;
    for (char c : d) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  int h = num(s.substr(0, c1), 1, 3);
  int m = num(s.substr(c1 + 1, c2 - c1 - 1), 2, 2);
  int sec = num(s.substr(c2 + 1), 2, 2);
  if (h < 0 || m < 0 || m > 59 || sec < 0 || sec > 59) return kBadTime;
  return h * 3600 + m * 60 + sec;
}

// YYYYMMDD as a calendar date; nullopt when malformed.
std::optional<std::chrono::year_month_day> parse_date(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  int v = std::stoi(std::string(s));
  std::chrono::year_month_day ymd{std::chrono::year(v / 10000),
                                  std::chrono::month(static_cast<unsigned>(v / 100 % 100)),
                                  std::chrono::day(static_cast<unsigned>(v % 100))};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

int date_number(const std::chrono::year_month_day& d) {
  return static_cast<int>(d.year()) * 10000 +
         static_cast<int>(static_cast<unsigned>(d.month())) * 100 +
         static_cast<int>(static_cast<unsigned>(d.day()));
}

std::optional<double> parse_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

struct StopTime {
  uint32_t seq;
  int32_t arr, dep;
  uint32_t stop;
  double dist;  // shape_dist_traveled or NaN
  std::size_t line;
};

struct Trip {
  std::string id;
  std::array<bool, 2> active{};  // [0] on the date, [1] on the day before (times shifted -24 h)
  std::vector<StopTime> times;
};

struct VecHash {
  std::size_t operator()(const std::vector<uint32_t>& v) const {
    std::size_t h = v.size();
    for (uint32_t x : v) h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

// Fills in untimed intermediate stops (GTFS allows empty times between timepoints): linear in
// shape_dist_traveled when known along the gap, otherwise evenly by stop count.
bool interpolate(std::vector<StopTime>& st) {
  if (st.front().arr == kNoTime && st.front().dep == kNoTime) return false;
  if (st.back().arr == kNoTime && st.back().dep == kNoTime) return false;
  for (auto& s : st) {
    if (s.arr == kNoTime) s.arr = s.dep;
    if (s.dep == kNoTime) s.dep = s.arr;
  }
  std::size_t prev = 0;
  for (std::size_t i = 1; i < st.size(); ++i) {
    if (st[i].arr == kNoTime) continue;
    if (i > prev + 1) {
      bool by_dist =
          !std::isnan(st[prev].dist) && !std::isnan(st[i].dist) && st[i].dist > st[prev].dist;
      for (std::size_t j = prev + 1; j < i; ++j) by_dist = by_dist && !std::isnan(st[j].dist);
      for (std::size_t j = prev + 1; j < i; ++j) {
        double f = by_dist ? (st[j].dist - st[prev].dist) / (st[i].dist - st[prev].dist)
                           : static_cast<double>(j - prev) / static_cast<double>(i - prev);
        f = std::clamp(f, 0.0, 1.0);
        st[j].arr = st[j].dep =
            st[prev].dep + static_cast<int32_t>(std::lround(f * (st[i].arr - st[prev].dep)));
      }
    }
    prev = i;
  }
  return true;
}

}  // namespace

Gtfs load_gtfs(const std::filesystem::path& feed_path, const std::string& date,
               const std::string& crs, double transfer_max_m, double walk_speed_kmh,
               const std::vector<std::string>& without_routes) {
  ensure_gdal_registered();
  Feed feed;
  feed.display = feed_path.string();
  std::error_code ec;
  if (!std::filesystem::exists(feed_path, ec))
    fail("GTFS feed {} not found: give a folder of GTFS .txt files or a GTFS .zip", feed.display);
  if (std::filesystem::is_directory(feed_path, ec)) {
    feed.base = feed_path.string();
  } else {
    feed.base = "/vsizip/" + std::filesystem::absolute(feed_path).string();
    VSIStatBufL st;
    if (VSIStatL(feed.base.c_str(), &st) != 0)
      fail(
          "GTFS feed {} is neither a folder nor a readable .zip: give a folder of GTFS .txt files "
          "or a GTFS .zip",
          feed.display);
  }
  for (const char* name : {"stops.txt", "routes.txt", "trips.txt", "stop_times.txt"}) {
    if (!feed.has(name))
      fail(
          "GTFS feed {}: required file {} is missing: add it (see the GTFS reference) or use a "
          "complete feed",
          feed.display, name);
  }
  const bool has_calendar = feed.has("calendar.txt"), has_dates = feed.has("calendar_dates.txt");
  if (!has_calendar && !has_dates)
    fail(
        "GTFS feed {}: calendar.txt and calendar_dates.txt are both missing: a feed needs at least "
        "one of them to say on which dates trips run",
        feed.display);
  if (!(walk_speed_kmh > 0))
    fail("GTFS: walking speed must be positive, got {} km/h", walk_speed_kmh);

  auto day = parse_date(date);
  if (!day) fail("GTFS: service date '{}' is not a valid date: write it as YYYYMMDD", date);
  const std::chrono::year_month_day days[2] = {
      *day, std::chrono::year_month_day{std::chrono::sys_days{*day} - std::chrono::days{1}}};
  const int day_num[2] = {date_number(days[0]), date_number(days[1])};
  // weekday index with Monday = 0, as the calendar.txt columns
  int weekday[2];
  for (int i = 0; i < 2; ++i)
    weekday[i] = static_cast<int>(
        (std::chrono::weekday{std::chrono::sys_days{days[i]}}.c_encoding() + 6) % 7);

  Gtfs g;
  Warnings warn_rows{g.warnings};

  // ---- services
  std::unordered_map<std::string, std::array<bool, 2>> service;
  if (has_calendar) {
    Table t(feed, "calendar.txt");
    static const char* names[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                   "friday", "saturday", "sunday"};
    int c_id = t.col("service_id"), c_start = t.col("start_date"), c_end = t.col("end_date");
    int c_day[7];
    for (int i = 0; i < 7; ++i) c_day[i] = t.col(names[i]);
    while (t.next()) {
      const std::string& id = t[c_id];
      if (id.empty()) {
        warn_rows.add("calendar.txt:{}: missing service_id", t.line());
        continue;
      }
      auto s = parse_date(t[c_start]), e = parse_date(t[c_end]);
      if (!s || !e) {
        warn_rows.add("calendar.txt:{}: broken date '{}'", t.line(), !s ? t[c_start] : t[c_end]);
        continue;
      }
      auto& act = service[id];
      for (int i = 0; i < 2; ++i) {
        const std::string& f = t[c_day[weekday[i]]];
        act[i] = date_number(*s) <= day_num[i] && day_num[i] <= date_number(*e) && f == "1";
      }
    }
  }
  if (has_dates) {
    Table t(feed, "calendar_dates.txt");
    int c_id = t.col("service_id"), c_date = t.col("date"), c_type = t.col("exception_type");
    while (t.next()) {
      const std::string& id = t[c_id];
      if (id.empty()) {
        warn_rows.add("calendar_dates.txt:{}: missing service_id", t.line());
        continue;
      }
      auto d = parse_date(t[c_date]);
      if (!d) {
        warn_rows.add("calendar_dates.txt:{}: broken date '{}'", t.line(), t[c_date]);
        continue;
      }
      const std::string& type = t[c_type];
      if (type != "1" && type != "2") {
        warn_rows.add("calendar_dates.txt:{}: broken exception_type '{}' (1 adds, 2 removes)",
                      t.line(), type);
        continue;
      }
      int dn = date_number(*d);
      for (int i = 0; i < 2; ++i)
        if (dn == day_num[i]) service[id][i] = type == "1";
    }
  }

  // ---- stops
  std::unordered_map<std::string, uint32_t> stop_index;
  {
    Table t(feed, "stops.txt");
    int c_id = t.col("stop_id"), c_lat = t.col("stop_lat"), c_lon = t.col("stop_lon");
    int c_name = t.col("stop_name", false), c_type = t.col("location_type", false);
    while (t.next()) {
      const std::string& id = t[c_id];
      if (id.empty()) {
        warn_rows.add("stops.txt:{}: missing stop_id", t.line());
        continue;
      }
      const std::string& type = t[c_type];
      if (!type.empty() && type != "0") continue;  // stations, entrances, nodes: not in stop_times
      auto lat = parse_double(t[c_lat]), lon = parse_double(t[c_lon]);
      if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180) {
        warn_rows.add("stops.txt:{}: broken coordinates '{}', '{}' for stop '{}'", t.line(),
                      t[c_lat], t[c_lon], id);
        continue;
      }
      if (!stop_index.emplace(id, static_cast<uint32_t>(g.stops.size())).second) {
        warn_rows.add("stops.txt:{}: duplicate stop_id '{}'", t.line(), id);
        continue;
      }
      Gtfs::Stop s;
      s.id = id;
      s.name = t[c_name];
      s.lon = *lon;
      s.lat = *lat;
      g.stops.push_back(std::move(s));
    }
  }

  // ---- routes and trips
  std::unordered_set<std::string> route_ids;
  {
    Table t(feed, "routes.txt");
    int c_id = t.col("route_id");
    while (t.next()) {
      if (t[c_id].empty())
        warn_rows.add("routes.txt:{}: missing route_id", t.line());
      else if (route_ids.insert(t[c_id]).second)
        g.route_ids.push_back(t[c_id]);
    }
  }
  std::vector<Trip> trips;
  std::unordered_map<std::string, uint32_t> trip_index;
  {
    Table t(feed, "trips.txt");
    int c_route = t.col("route_id"), c_service = t.col("service_id"), c_id = t.col("trip_id");
    while (t.next()) {
      const std::string& id = t[c_id];
      if (id.empty() || t[c_route].empty() || t[c_service].empty()) {
        warn_rows.add("trips.txt:{}: missing {}", t.line(),
                      id.empty()           ? "trip_id"
                      : t[c_route].empty() ? "route_id"
                                           : "service_id");
        continue;
      }
      if (!route_ids.count(t[c_route])) {
        warn_rows.add("trips.txt:{}: unknown route_id '{}'", t.line(), t[c_route]);
        continue;
      }
      if (!trip_index.emplace(id, static_cast<uint32_t>(trips.size())).second) {
        warn_rows.add("trips.txt:{}: duplicate trip_id '{}'", t.line(), id);
        continue;
      }
      Trip trip;
      trip.id = id;
      auto it = service.find(t[c_service]);
      bool cut = std::find(without_routes.begin(), without_routes.end(), t[c_route]) !=
                 without_routes.end();
      if (it != service.end() && !cut) trip.active = it->second;
      trips.push_back(std::move(trip));
    }
  }

  // ---- stop times
  {
    Table t(feed, "stop_times.txt");
    int c_trip = t.col("trip_id"), c_arr = t.col("arrival_time"), c_dep = t.col("departure_time");
    int c_stop = t.col("stop_id"), c_seq = t.col("stop_sequence");
    int c_dist = t.col("shape_dist_traveled", false);
    while (t.next()) {
      const std::string& tid = t[c_trip];
      if (tid.empty()) {
        warn_rows.add("stop_times.txt:{}: missing trip_id", t.line());
        continue;
      }
      auto ti = trip_index.find(tid);
      if (ti == trip_index.end()) {
        warn_rows.add("stop_times.txt:{}: unknown trip_id '{}'", t.line(), tid);
        continue;
      }
      Trip& trip = trips[ti->second];
      if (!trip.active[0] && !trip.active[1]) continue;
      const std::string& sid = t[c_stop];
      if (sid.empty()) {
        warn_rows.add("stop_times.txt:{}: missing stop_id", t.line());
        continue;
      }
      auto si = stop_index.find(sid);
      if (si == stop_index.end()) {
        warn_rows.add("stop_times.txt:{}: unknown stop_id '{}'", t.line(), sid);
        continue;
      }
      const std::string& seq_s = t[c_seq];
      char* end = nullptr;
      unsigned long seq = std::strtoul(seq_s.c_str(), &end, 10);
      if (seq_s.empty() || end != seq_s.c_str() + seq_s.size() || seq > UINT32_MAX) {
        warn_rows.add("stop_times.txt:{}: {} stop_sequence '{}'", t.line(),
                      seq_s.empty() ? "missing" : "broken", seq_s);
        continue;
      }
      int32_t arr = parse_time(t[c_arr]), dep = parse_time(t[c_dep]);
      if (arr == kBadTime || dep == kBadTime) {
        warn_rows.add("stop_times.txt:{}: broken time '{}'", t.line(),
                      arr == kBadTime ? t[c_arr] : t[c_dep]);
        continue;
      }
      auto dist = parse_double(t[c_dist]);
      trip.times.push_back(StopTime{static_cast<uint32_t>(seq), arr, dep, si->second,
                                    dist ? *dist : std::nan(""), t.line()});
    }
  }

  // ---- clean trips, group into patterns
  struct TripTimes {
    std::vector<int32_t> arr, dep;
  };
  std::unordered_map<std::vector<uint32_t>, std::vector<TripTimes>, VecHash> patterns;
  std::vector<const std::vector<uint32_t>*> pattern_order;  // deterministic output order
  for (Trip& trip : trips) {
    auto& st = trip.times;
    if (!trip.active[0] && !trip.active[1]) continue;
    if (st.empty()) continue;
    std::stable_sort(st.begin(), st.end(),
                     [](const StopTime& a, const StopTime& b) { return a.seq < b.seq; });
    std::vector<StopTime> kept;
    kept.reserve(st.size());
    for (const auto& s : st) {
      if (!kept.empty() && kept.back().seq == s.seq) {
        warn_rows.add("stop_times.txt:{}: duplicate stop_sequence {} in trip '{}'", s.line, s.seq,
                      trip.id);
        continue;
      }
      kept.push_back(s);
    }
    if (kept.size() < 2) {
      warn_rows.add("stop_times.txt: trip '{}' has fewer than 2 usable stop times; trip dropped",
                    trip.id);
      continue;
    }
    if (!interpolate(kept)) {
      warn_rows.add("stop_times.txt:{}: trip '{}' has no time at its {} stop; trip dropped",
                    kept.front().arr == kNoTime ? kept.front().line : kept.back().line, trip.id,
                    kept.front().arr == kNoTime ? "first" : "last");
      continue;
    }
    bool ok = true;
    for (std::size_t i = 0; i < kept.size() && ok; ++i) {
      if (kept[i].dep < kept[i].arr || (i > 0 && kept[i].arr < kept[i - 1].dep)) {
        warn_rows.add("stop_times.txt:{}: trip '{}' goes back in time; trip dropped", kept[i].line,
                      trip.id);
        ok = false;
      }
    }
    if (!ok) continue;
    std::vector<uint32_t> seq(kept.size());
    TripTimes tt;
    tt.arr.resize(kept.size());
    tt.dep.resize(kept.size());
    for (std::size_t i = 0; i < kept.size(); ++i) seq[i] = kept[i].stop;
    for (int d = 0; d < 2; ++d) {
      if (!trip.active[d]) continue;
      const int32_t shift = d == 0 ? 0 : -86400;
      if (d == 1 && kept.back().arr + shift < 0) continue;  // yesterday's trip over before today
      for (std::size_t i = 0; i < kept.size(); ++i) {
        tt.arr[i] = kept[i].arr + shift;
        tt.dep[i] = kept[i].dep + shift;
      }
      auto [it, fresh] = patterns.try_emplace(seq);
      if (fresh) pattern_order.push_back(&it->first);
      it->second.push_back(tt);
    }
  }

  // Trips of one pattern, sorted by departure, split so that no trip overtakes another in the
  // same route (RAPTOR's earliest-trip binary search needs times sorted at every stop).
  for (const auto* key : pattern_order) {
    auto& list = patterns.at(*key);
    std::sort(list.begin(), list.end(), [](const TripTimes& a, const TripTimes& b) {
      return std::tie(a.dep[0], a.arr) < std::tie(b.dep[0], b.arr);
    });
    std::vector<Gtfs::Route> split;
    for (auto& tt : list) {
      Gtfs::Route* target = nullptr;
      for (auto& r : split) {
        const auto &la = r.arrivals.back(), &ld = r.departures.back();
        bool fifo = true;
        for (std::size_t i = 0; i < la.size() && fifo; ++i)
          fifo = tt.arr[i] >= la[i] && tt.dep[i] >= ld[i];
        if (fifo) {
          target = &r;
          break;
        }
      }
      if (!target) {
        split.emplace_back();
        target = &split.back();
        target->stops = *key;
      }
      target->arrivals.push_back(std::move(tt.arr));
      target->departures.push_back(std::move(tt.dep));
    }
    for (auto& r : split) g.routes.push_back(std::move(r));
  }

  // ---- reprojection
  auto wgs84 = make_srs("EPSG:4326", "GTFS stops");
  auto target = make_srs(crs, "GTFS target CRS");
  auto ct = make_transform(wgs84, target);
  if (!g.stops.empty()) {
    std::vector<double> xs(g.stops.size()), ys(g.stops.size());
    for (std::size_t i = 0; i < g.stops.size(); ++i) {
      xs[i] = g.stops[i].lon;
      ys[i] = g.stops[i].lat;
    }
    std::vector<int> ok(g.stops.size(), TRUE);
    if (ct && !ct->Transform(static_cast<int>(xs.size()), xs.data(), ys.data(), nullptr, ok.data()))
      fail("GTFS feed {}: PROJ cannot transform the stops to {}", feed.display, crs);
    for (std::size_t i = 0; i < g.stops.size(); ++i) {
      if (!ok[i])
        fail("GTFS feed {}: PROJ cannot transform stop '{}' ({}, {}) to {}", feed.display,
             g.stops[i].id, g.stops[i].lon, g.stops[i].lat, crs);
      g.stops[i].x = xs[i];
      g.stops[i].y = ys[i];
    }
  }

  // ---- walking transfers (grid buckets of transfer_max_m; distances in metres)
  const std::size_t n = g.stops.size();
  g.transfer_offsets.assign(n + 1, 0);
  if (transfer_max_m > 0 && n > 0) {
    std::vector<double> mx(n), my(n);
    const bool geographic = target.IsGeographic();
    double lat0 = 0;
    for (const auto& s : g.stops) lat0 += s.y / static_cast<double>(n);
    const double kx = geographic ? 111320.0 * std::cos(lat0 * std::numbers::pi / 180) : 1.0,
                 ky = geographic ? 110540.0 : 1.0;
    for (std::size_t i = 0; i < n; ++i) {
      mx[i] = g.stops[i].x * kx;
      my[i] = g.stops[i].y * ky;
    }
    const double cell = transfer_max_m;
    const double x0 = *std::min_element(mx.begin(), mx.end()),
                 y0 = *std::min_element(my.begin(), my.end());
    auto cell_of = [&](std::size_t i) {
      return std::pair<int64_t, int64_t>{static_cast<int64_t>((mx[i] - x0) / cell),
                                         static_cast<int64_t>((my[i] - y0) / cell)};
    };
    std::unordered_map<int64_t, std::vector<uint32_t>> buckets;
    auto key = [](int64_t cx, int64_t cy) { return cx * 1000003LL + cy; };
    for (std::size_t i = 0; i < n; ++i) {
      auto [cx, cy] = cell_of(i);
      buckets[key(cx, cy)].push_back(static_cast<uint32_t>(i));
    }
    const double speed = walk_speed_kmh / 3.6;
    for (std::size_t i = 0; i < n; ++i) {
      auto [cx, cy] = cell_of(i);
      std::vector<std::pair<uint32_t, float>> near;
      for (int64_t dx = -1; dx <= 1; ++dx)
        for (int64_t dy = -1; dy <= 1; ++dy) {
          auto it = buckets.find(key(cx + dx, cy + dy));
          if (it == buckets.end()) continue;
          for (uint32_t j : it->second) {
            if (j == i) continue;
            double d = std::hypot(mx[i] - mx[j], my[i] - my[j]);
            if (d <= transfer_max_m) near.emplace_back(j, static_cast<float>(d / speed));
          }
        }
      std::sort(near.begin(), near.end());
      for (auto& [j, s] : near) {
        g.transfer_targets.push_back(j);
        g.transfer_seconds.push_back(s);
      }
      g.transfer_offsets[i + 1] = static_cast<uint32_t>(g.transfer_targets.size());
    }
  } else {
    for (std::size_t i = 0; i <= n; ++i) g.transfer_offsets[i] = 0;
  }

  if (warn_rows.dropped > 0)
    g.warnings.push_back(fmt::format("... and {} more rows skipped", warn_rows.dropped));
  if (!g.warnings.empty())
    warn("GTFS feed {}: {} row problem(s) skipped, first: {}", feed.display,
         g.warnings.size() + warn_rows.dropped - (warn_rows.dropped > 0 ? 1 : 0), g.warnings[0]);
  return g;
}

}  // namespace casco::access
