#pragma once
// Groundwater from measurements: well time series read from a table (one row per reading, as the
// bundled water/grondwaterstanden_*.csv), from DINOloket "Grondwaterstanden" CSV exports (one
// file per filter, or a folder of them) or from BRO XML (GLD dossiers with the GMW wells they
// were measured in, as the BRO public REST API delivers them), cleaned (missing, duplicate and
// absurd readings skipped and counted per well), and per well filter the GHG and GLG as defined in
// Dutch practice, the long-term trend with its confidence interval, and kriging of the well values
// onto a grid where the wells are dense enough, with the kriging standard deviation as uncertainty.
// Methods and definitions: docs/water.md, "Groundwater".
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "core/grid.hpp"

namespace casco::water {

// ---------------------------------------------------------------------------- wells
struct Reading {
  int day = 0;      // days since 1970-01-01
  double head = 0;  // m NAP
};

// Readings skipped while reading a well, by reason.
struct Skipped {
  std::size_t missing = 0;     // no value, or a date or value that does not parse
  std::size_t duplicate = 0;   // a second reading on the same day (the first is kept)
  std::size_t above_tube = 0;  // more than max_above_tube_m above the top of the tube
  std::size_t dry = 0;         // below the bottom of the filter: the filter was dry
  std::size_t outlier = 0;     // far from the well's own median (robust spread)
  std::size_t remarked = 0;    // DINO "Bijzonderheid" set (the reading is flagged)
  std::size_t rejected = 0;    // BRO status kwaliteitscontrole "afgekeurd"
  std::size_t undecided = 0;   // BRO status kwaliteitscontrole "onbeslist"
  std::size_t total() const {
    return missing + duplicate + above_tube + dry + outlier + remarked + rejected + undecided;
  }
};

struct Well {
  std::string id;                 // "<put>-<filter>", e.g. B12A1745001-1
  std::string put, filter, file;  // file: where it was read (messages)
  double x = 0, y = 0;            // in the model CRS (after read_wells)
  std::string crs;                // CRS of x, y as read when the file states it (BRO), else empty
  double tube_top = kNaN;         // meetpunt, m NAP
  double ground = kNaN;           // maaiveld, m NAP (DINO files; or sampled from a DEM)
  double screen_top = kNaN, screen_bottom = kNaN;  // filter, m NAP
  std::vector<Reading> readings;                   // kept readings, by day
  std::string source;                              // "tabel", "DINO" or "BRO"
  std::size_t averaged = 0;  // BRO: readings merged into a daily mean (several on one day)
  Skipped skipped;
  bool unreliable = false;  // more than half of its readings were absurd: not used
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
};

struct WellOptions {
  std::string crs = "EPSG:28992";  // CRS of the coordinates in the files
  double max_above_tube_m = 1.0;   // a head higher above the tube top than this is absurd
  double dry_margin_m = 0.0;       // a head below the filter bottom minus this: dry filter
  double outlier_spread = 8.0;     // outlier: |head - median| > this x 1.4826 x MAD ...
  double outlier_min_m = 3.0;      // ... and more than this many metres
  double unreliable_share = 0.5;   // wells with more absurd readings than this share: not used
};

struct WellSet {
  std::filesystem::path path;  // the file or folder read
  std::vector<Well> wells;
  std::size_t rows = 0;  // readings read (before cleaning)
  std::string format;    // "tabel", "DINO" or "BRO" ("DINO + BRO" for a folder of both)
};

// Reads a table (CSV with columns put, filter, datum, stijghoogte_m_nap, and optionally
// meetpunt_m_nap, maaiveld_m_nap, filter_boven_m_nap, filter_onder_m_nap, x_rd, y_rd — or the
// English/short aliases listed in docs/water.md), a DINOloket Grondwaterstanden CSV, a BRO GLD
// XML (its GMW looked up among the XML files next to it), or a folder of DINO CSV and BRO GLD +
// GMW XML files. Coordinates are transformed from options.crs (BRO: the CRS the GMW states) to
// `model_crs`. Throws casco::Error naming the file (and line) for a file that cannot be read,
// lacks required columns, is not well-formed XML, or a GLD whose GMW or tube is missing.
WellSet read_wells(const std::filesystem::path& path, const WellOptions& options,
                   const std::string& model_crs = "EPSG:28992");

// ---------------------------------------------------------------------------- GHG, GLG, trend
struct GxgOptions {
  int tolerance_days = 7;         // a reading counts for the 14th or 28th within this many days
  int min_samples_per_year = 12;  // of the 24 half-monthly dates in a hydrological year
  int years = 8;                  // GHG/GLG over the most recent this many valid years
  int min_years = 8;              // fewer valid years: the GHG/GLG is flagged as indicative
  int trend_min_years = 8;        // hydrological years with data needed for a trend
  int trend_min_months = 6;       // months with readings for a year to count in the trend
  double confidence = 0.95;       // of the trend's interval
};

struct HydroYear {
  int year = 0;                // the hydrological year starting 1 April of this year
  int samples = 0;             // half-monthly readings found (of 24)
  double high3 = 0, low3 = 0;  // means of the three highest and lowest (m NAP)
};

struct Trend {
  int years = 0;                   // years in the fit
  double slope = kNaN;             // m per year (Theil-Sen)
  double low = kNaN, high = kNaN;  // confidence interval of the slope
  double p_value = kNaN;           // Mann-Kendall, two-sided (ignores autocorrelation)
  std::string verdict;             // "daalt", "stijgt", "geen duidelijke trend", "te kort"
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
};

struct WellStats {
  double ghg = kNaN, glg = kNaN;  // m NAP
  int years = 0;                  // valid hydrological years used
  int first_year = 0, last_year = 0;
  bool indicative = false;          // fewer than min_years
  std::vector<HydroYear> per_year;  // the valid years used, oldest first
  Trend trend;
  double mean_head = kNaN;  // over all kept readings
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
};

WellStats well_statistics(const Well& well, const GxgOptions& options);

// Depth (m) below the reference: ground level when known, else the tube top.
double depth_below_reference(const Well& well, double head);

// Grondwatertrap I ... VIII from GHG and GLG in metres below ground, by the class table of the
// Bodemkaart 1:50 000 (1988 revision; the b-subclasses are not split off): GHG deeper than 1.4 m
// is VIII, deeper than 0.8 m VII; otherwise GLG < 0.5 m is I, < 0.8 m II, < 1.2 m III (GHG < 0.4)
// or IV, deeper V (GHG < 0.4) or VI.
std::string groundwater_class(double ghg_depth_m, double glg_depth_m);
int groundwater_class_number(const std::string& gt);  // "I" -> 1 ... "VIII" -> 8, else 0

// ---------------------------------------------------------------------------- kriging
struct Variogram {  // exponential: nugget + sill * (1 - exp(-h / range))
  double nugget = 0, sill = 0, range = 1;
  double at(double h) const;
  std::size_t pairs = 0;
};

struct KrigingOptions {
  double radius_m = 2000;   // wells within this distance of a cell count
  int min_wells = 3;        // a cell gets a value when at least this many wells are that close
  int max_wells = 12;       // the nearest this many are used
  double lag_m = 250;       // width of the variogram's distance classes
  double max_lag_m = 8000;  // the variogram is fitted up to this distance
};

struct Point {
  double x = 0, y = 0, value = 0;
};

struct CrossValidation {
  std::size_t points = 0;  // wells that could be predicted from their neighbours
  double mean_error = 0;   // m (bias)
  double rmse = 0;         // m
  double mean_sd = 0;      // mean kriging standard deviation at the wells (m)
};

struct Kriged {
  Raster value;  // estimate; NaN where fewer than min_wells wells are within radius_m
  Raster sd;     // kriging standard deviation (m), NaN likewise
  Variogram variogram;
  CrossValidation cv;     // leave-one-out at the wells
  std::size_t cells = 0;  // cells with a value
};

// Fits an exponential variogram to the points (weighted least squares, Cressie's weights) and
// kriges them (ordinary kriging) onto `grid`. Throws casco::Error for fewer than min_wells points.
Kriged krige(const std::vector<Point>& points, const Grid& grid, const KrigingOptions& options);
Variogram fit_variogram(const std::vector<Point>& points, const KrigingOptions& options);

}  // namespace casco::water
