#pragma once
// Reading GTFS (internal to the access module): the feed as a folder or a .zip, RFC 4180 CSV,
// tables by column name, row warnings with file:line, GTFS times and dates (gtfs_read.cpp); the
// tables of a feed (gtfs_tables.cpp); transfers (gtfs_transfers.cpp).
// See docs/access_transit.md.
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "access/transit.hpp"

namespace casco::access::detail {

// Row-level warnings, keeping the first 1000.
struct Warnings {
  static constexpr std::size_t kMax = 1000;
  std::vector<std::string>& out;
  std::size_t dropped = 0;
  template <typename... Args>
  void add(fmt::format_string<Args...> f, Args&&... args) {
    if (out.size() < kMax)
      out.push_back(fmt::format(f, std::forward<Args>(args)...));
    else
      ++dropped;
  }
};

// The feed: a folder or a .zip (through GDAL's /vsizip/).
struct Feed {
  std::string base;     // folder path or "/vsizip/<path>"
  std::string display;  // the path as given
  std::string file(const std::string& name) const { return base + "/" + name; }
  bool has(const std::string& name) const;
  std::string read(const std::string& name) const;
};

// RFC 4180 CSV: quoted fields ("" escapes a quote, newlines allowed inside quotes), a UTF-8 BOM,
// LF, CRLF or CR line ends, blank lines skipped; unquoted fields are trimmed of spaces.
class Csv {
 public:
  explicit Csv(std::string text);
  // The next non-blank record and the file line it starts on; false at the end.
  bool next(std::vector<std::string>& fields, std::size_t& line);

 private:
  std::string text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// One GTFS table: header lookup and the current row.
class Table {
 public:
  Table(const Feed& feed, std::string name);
  const std::string& name() const { return name_; }
  std::size_t line() const { return line_; }
  // Column index; -1 when absent and optional; throws when absent and required.
  int col(const std::string& column, bool required = true) const;
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
int32_t parse_time(std::string_view s);
// YYYYMMDD as a calendar date; nullopt when malformed.
std::optional<std::chrono::year_month_day> parse_date(std::string_view s);
int date_number(const std::chrono::year_month_day& d);
std::optional<double> parse_double(const std::string& s);
// A whole number without sign or other characters; nullopt otherwise.
std::optional<long> parse_count(const std::string& s);

// The stops of a feed by id, and the stops of each station (parent_station).
struct StopIndex {
  std::unordered_map<std::string, uint32_t> stops;
  std::unordered_map<std::string, std::vector<uint32_t>> children;
};

// ---- the tables of a feed (gtfs_tables.cpp)

// The service date and the day before (whose trips after midnight still run), as YYYYMMDD
// numbers and weekdays (Monday = 0, as the calendar.txt columns).
struct Days {
  int number[2];
  int weekday[2];
};

using Services = std::unordered_map<std::string, std::array<bool, 2>>;

struct StopTime {
  uint32_t seq;
  int32_t arr, dep;
  uint32_t stop;
  double dist;  // shape_dist_traveled or NaN
  std::size_t line;
};

// One frequencies.txt period: trips leave the first stop at start, start + headway, … < end.
struct Period {
  int32_t start, end, headway;
  bool exact;
};

struct Trip {
  std::string id;
  std::array<bool, 2> active{};  // [0] on the date, [1] on the day before (times shifted -24 h)
  std::vector<StopTime> times;
  bool frequency_based = false;  // listed in frequencies.txt: its times are a template
  std::vector<Period> periods;
};

struct Trips {
  std::vector<Trip> list;
  std::unordered_map<std::string, uint32_t> index;
};

Days service_days(const std::string& date);
Feed open_feed(const std::filesystem::path& path);
void read_calendar(const Feed& feed, const Days& d, Services& service, Warnings& warn);
void read_calendar_dates(const Feed& feed, const Days& d, Services& service, Warnings& warn);
void read_stops(const Feed& feed, Gtfs& g, StopIndex& index, Warnings& warn);
std::unordered_set<std::string> read_routes(const Feed& feed, Gtfs& g, Warnings& warn);
Trips read_trips(const Feed& feed, const std::unordered_set<std::string>& route_ids,
                 const Services& service, const std::vector<std::string>& without_routes,
                 Warnings& warn);
void read_stop_times(const Feed& feed, Trips& trips, const StopIndex& stops, Warnings& warn);
void read_frequencies(const Feed& feed, Trips& trips, Warnings& warn);

// ---- transfers (gtfs_transfers.cpp)

// Walking transfers between stops within `max_m` straight-line metres (Gtfs::transfer_*).
void walking_transfers(Gtfs& g, double max_m, double walk_kmh, bool geographic);
// transfers.txt (when present): minimum transfer times and forbidden transfers between stops
// (or stations) change the walking transfers and the change times at stops.
void read_transfers(const Feed& feed, Gtfs& g, const StopIndex& stops, Warnings& warn);

}  // namespace casco::access::detail
