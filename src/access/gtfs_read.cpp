// Reading GTFS text files: see gtfs_read.hpp.
#include "access/gtfs_read.hpp"

#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <array>
#include <cmath>
#include <cstdlib>

#include "core/error.hpp"

namespace casco::access::detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool Feed::has(const std::string& name) const {
  VSIStatBufL st;
  return VSIStatL(file(name).c_str(), &st) == 0 && !VSI_ISDIR(st.st_mode);
}

std::string Feed::read(const std::string& name) const {
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

Csv::Csv(std::string text) : text_(std::move(text)) {
  if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
}

bool Csv::next(std::vector<std::string>& fields, std::size_t& line) {
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
        while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
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

Table::Table(const Feed& feed, std::string name) : name_(std::move(name)), csv_(feed.read(name_)) {
  std::vector<std::string> header;
  std::size_t line = 0;
  if (!csv_.next(header, line))
    fail("GTFS feed {}: {} is empty: it needs a header line with the column names", feed.display,
         name_);
  for (std::size_t i = 0; i < header.size(); ++i) cols_.emplace(header[i], static_cast<int>(i));
  display_ = feed.display;
}

int Table::col(const std::string& column, bool required) const {
  auto it = cols_.find(column);
  if (it != cols_.end()) return it->second;
  if (required)
    fail("GTFS feed {}: {} has no column '{}' in its header: GTFS requires it", display_, name_,
         column);
  return -1;
}

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

std::optional<long> parse_count(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace casco::access::detail
