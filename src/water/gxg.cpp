// GHG, GLG and the long-term trend of a well (docs/water.md, "Groundwater").
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>

#include "water/groundwater.hpp"

namespace casco::water {
namespace {

std::chrono::year_month_day civil(int day) {
  return std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days(day)));
}
int day_of(int y, unsigned m, unsigned d) {
  return static_cast<int>(
      std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m),
                                                        std::chrono::day(d)))
          .time_since_epoch()
          .count());
}
int hydro_year(int y, unsigned m) {
  return m >= 4 ? y : y - 1;
}

// Inverse of the standard normal distribution (Acklam's rational approximation, |error| < 1e-9).
double normal_quantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - 0.02425) return -normal_quantile(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Theil-Sen slope of y over x with Sen's (1968) confidence interval from Kendall's S, and the
// Mann-Kendall test. x distinct (one value per year).
Trend theil_sen(const std::vector<double>& x, const std::vector<double>& y, double confidence) {
  Trend t;
  const std::size_t n = x.size();
  t.years = static_cast<int>(n);
  std::vector<double> slopes;
  double s = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      slopes.push_back((y[j] - y[i]) / (x[j] - x[i]));
      s += (y[j] > y[i]) - (y[j] < y[i]);
    }
  std::sort(slopes.begin(), slopes.end());
  const std::size_t m = slopes.size();
  t.slope = m % 2 ? slopes[m / 2] : 0.5 * (slopes[m / 2 - 1] + slopes[m / 2]);
  const double var = n * (n - 1.0) * (2.0 * n + 5.0) / 18.0;
  const double z = normal_quantile(0.5 + confidence / 2);
  const double c = z * std::sqrt(var);
  const double m1 = (m - c) / 2.0, m2 = (m + c) / 2.0;  // 1-based ranks
  const auto at = [&](double rank) {
    const long k =
        std::clamp(static_cast<long>(std::lround(rank)) - 1, 0L, static_cast<long>(m) - 1);
    return slopes[static_cast<std::size_t>(k)];
  };
  t.low = at(m1);
  t.high = at(m2 + 1);
  const double zs = s > 0 ? (s - 1) / std::sqrt(var) : s < 0 ? (s + 1) / std::sqrt(var) : 0.0;
  t.p_value = std::erfc(std::abs(zs) / std::sqrt(2.0));
  return t;
}

}  // namespace

namespace {

// Half-monthly samples: per 14th and 28th the nearest reading within the tolerance (a reading
// serves the one date it is nearest to), grouped by hydrological year.
std::map<int, std::vector<double>> half_monthly(const Well& w, int tolerance_days) {
  struct Slot {
    int distance;
    double head;
  };
  std::map<int, Slot> slots;  // by the slot's day
  for (const Reading& r : w.readings) {
    const auto ymd = civil(r.day);
    const int y = static_cast<int>(ymd.year());
    const unsigned m = static_cast<unsigned>(ymd.month());
    const int prev_y = m == 1 ? y - 1 : y, next_y = m == 12 ? y + 1 : y;
    const unsigned prev_m = m == 1 ? 12 : m - 1, next_m = m == 12 ? 1 : m + 1;
    const int candidates[4] = {day_of(prev_y, prev_m, 28), day_of(y, m, 14), day_of(y, m, 28),
                               day_of(next_y, next_m, 14)};
    int best = candidates[0];
    for (int c : candidates)
      if (std::abs(r.day - c) < std::abs(r.day - best)) best = c;
    const int dist = std::abs(r.day - best);
    if (dist > tolerance_days) continue;
    auto it = slots.find(best);
    if (it == slots.end() || dist < it->second.distance) slots[best] = {dist, r.head};
  }
  std::map<int, std::vector<double>> by_year;
  for (const auto& [day, slot] : slots) {
    const auto ymd = civil(day);
    by_year[hydro_year(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()))].push_back(
        slot.head);
  }
  return by_year;
}

// GHG and GLG: per valid hydrological year the means of the three highest and lowest, averaged
// over the most recent `years` valid years.
void gxg(const Well& w, const GxgOptions& o, WellStats& st) {
  std::vector<HydroYear> valid;
  for (auto& [year, heads] : half_monthly(w, o.tolerance_days)) {
    if (static_cast<int>(heads.size()) < o.min_samples_per_year) continue;
    std::sort(heads.begin(), heads.end());
    HydroYear hy;
    hy.year = year;
    hy.samples = static_cast<int>(heads.size());
    hy.low3 = (heads[0] + heads[1] + heads[2]) / 3;
    const std::size_t k = heads.size();
    hy.high3 = (heads[k - 1] + heads[k - 2] + heads[k - 3]) / 3;
    valid.push_back(hy);
  }
  if (!valid.empty()) {
    const std::size_t use = std::min<std::size_t>(valid.size(), static_cast<std::size_t>(o.years));
    st.per_year.assign(valid.end() - static_cast<long>(use), valid.end());
    double hi = 0, lo = 0;
    for (const HydroYear& hy : st.per_year) {
      hi += hy.high3;
      lo += hy.low3;
    }
    st.ghg = hi / static_cast<double>(use);
    st.glg = lo / static_cast<double>(use);
    st.years = static_cast<int>(use);
    st.first_year = st.per_year.front().year;
    st.last_year = st.per_year.back().year;
  }
  st.indicative = st.years < o.min_years;
}

// Trend: monthly means minus the well's mean for that calendar month (the seasonal cycle), then
// per hydrological year the mean of those anomalies when enough months have readings.
Trend trend(const Well& w, const GxgOptions& o) {
  std::map<std::pair<int, unsigned>, std::pair<double, int>> monthly;
  for (const Reading& r : w.readings) {
    const auto ymd = civil(r.day);
    auto& m = monthly[{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month())}];
    m.first += r.head;
    ++m.second;
  }
  double season_sum[13] = {0};
  int season_n[13] = {0};
  for (const auto& [key, v] : monthly) {
    season_sum[key.second] += v.first / v.second;
    ++season_n[key.second];
  }
  std::map<int, std::pair<double, int>> anomaly_by_year;
  for (const auto& [key, v] : monthly) {
    const double anomaly = v.first / v.second - season_sum[key.second] / season_n[key.second];
    auto& a = anomaly_by_year[hydro_year(key.first, key.second)];
    a.first += anomaly;
    ++a.second;
  }
  std::vector<double> xs, ys;
  for (const auto& [year, a] : anomaly_by_year)
    if (a.second >= o.trend_min_months) {
      xs.push_back(year);
      ys.push_back(a.first / a.second);
    }
  Trend t;
  if (static_cast<int>(xs.size()) < std::max(3, o.trend_min_years)) {
    t.years = static_cast<int>(xs.size());
    t.verdict = "te kort";
    return t;
  }
  t = theil_sen(xs, ys, o.confidence);
  t.verdict = t.high < 0 ? "daalt" : t.low > 0 ? "stijgt" : "geen duidelijke trend";
  return t;
}

}  // namespace

WellStats well_statistics(const Well& w, const GxgOptions& o) {
  WellStats st;
  st.trend.verdict = "te kort";
  if (w.readings.empty()) return st;
  double sum = 0;
  for (const Reading& r : w.readings) sum += r.head;
  st.mean_head = sum / static_cast<double>(w.readings.size());
  gxg(w, o, st);
  st.trend = trend(w, o);
  return st;
}

double depth_below_reference(const Well& w, double head) {
  const double ref = std::isfinite(w.ground) ? w.ground : w.tube_top;
  return ref - head;
}

std::string groundwater_class(double ghg, double glg) {
  if (!std::isfinite(ghg) || !std::isfinite(glg)) return "";
  if (ghg >= 1.4) return "VIII";
  if (ghg >= 0.8) return "VII";
  if (glg < 0.5) return "I";
  if (glg < 0.8) return "II";
  if (glg < 1.2) return ghg < 0.4 ? "III" : "IV";
  return ghg < 0.4 ? "V" : "VI";
}

int groundwater_class_number(const std::string& gt) {
  static const char* names[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"};
  for (int i = 0; i < 8; ++i)
    if (gt == names[i]) return i + 1;
  return 0;
}

}  // namespace casco::water
