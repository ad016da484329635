// BRO GLD and GMW dispatch XML (see bro.hpp), parsed with expat. Element names are matched by
// their local name and their parent's, and the object elements (GLD_O, GMW_PO, GMW_PPO) also by
// the BRO namespace, as the published schemas (dsgld/1.0, dsgmw/1.1) and the real dispatches in
// tests/water/data/bro have them.
#include "water/bro.hpp"

#include <expat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <type_traits>

#include "core/error.hpp"

namespace casco::water::bro {
namespace fs = std::filesystem;
namespace {

constexpr char kSep = '|';  // between namespace URI and local name in expat's names
constexpr const char* kXlinkHref = "http://www.w3.org/1999/xlink|href";
constexpr const char* kXsiNil = "http://www.w3.org/2001/XMLSchema-instance|nil";
constexpr std::size_t kMaxDepth = 200;     // BRO dispatches nest about 15 deep
constexpr std::size_t kMaxText = 1 << 20;  // longest text of one element kept
constexpr double kMaxAbsHeight = 1000;     // |m NAP| beyond this is not a height

struct Name {
  std::string ns, local;
};

Name split_name(const XML_Char* n) {
  const char* sep = std::strchr(n, kSep);
  if (!sep) return {"", n};
  return {std::string(n, sep), std::string(sep + 1)};
}

const char* attribute(const XML_Char** attrs, const char* name) {
  for (int i = 0; attrs[i]; i += 2)
    if (std::strcmp(attrs[i], name) == 0) return attrs[i + 1];
  return nullptr;
}

std::string trim(std::string s) {
  const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && ws(s[i])) ++i;
  return s.substr(i);
}

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end && *end == '\0' && std::isfinite(v);
}

// The text after the last ':' of a code URI ("urn:bro:gld:StatusCode:voorlopig" → "voorlopig").
std::string code_of(const char* href) {
  if (!href) return "";
  const char* c = std::strrchr(href, ':');
  return c ? c + 1 : href;
}

// "urn:ogc:def:crs:EPSG::28992", "EPSG:28992" or ".../EPSG/0/28992" → "EPSG:28992".
std::string crs_of(const std::string& srs) {
  std::size_t end = srs.size();
  std::size_t start = end;
  while (start > 0 && std::isdigit(static_cast<unsigned char>(srs[start - 1]))) --start;
  if (start == end || srs.find("EPSG") == std::string::npos) return "";
  return "EPSG:" + srs.substr(start);
}

bool is_bro_ns(const std::string& ns, const char* schema) {
  return ns.rfind(std::string("http://www.broservices.nl/xsd/") + schema + "/", 0) == 0;
}

class Parser {
 public:
  explicit Parser(const fs::path& file) : file_(file) {
    doc_.gld.file = file.string();
    doc_.gmw.file = file.string();
  }

  Document read() {
    std::ifstream in(file_, std::ios::binary);
    if (!in) fail("cannot read well file '{}'", file_.string());
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> p(
        XML_ParserCreateNS(nullptr, kSep), XML_ParserFree);
    if (!p) fail("{}: cannot start the XML parser (out of memory)", file_.string());
    parser_ = p.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &Parser::on_start, &Parser::on_end);
    XML_SetCharacterDataHandler(parser_, &Parser::on_text);
    XML_SetStartDoctypeDeclHandler(parser_, &Parser::on_doctype);
    std::vector<char> buf(1 << 16);
    bool last = false;
    while (!last) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const auto n = static_cast<int>(in.gcount());
      last = n < static_cast<int>(buf.size());
      if (XML_Parse(parser_, buf.data(), n, last ? 1 : 0) == XML_STATUS_ERROR) {
        const unsigned long line = line_at(XML_GetCurrentByteIndex(parser_));
        if (!error_.empty()) fail("{}:{}: {}", file_.string(), line, error_);
        fail("{}:{}: not well-formed XML ({}): a BRO GLD or GMW file is expected", file_.string(),
             line, XML_ErrorString(XML_GetErrorCode(parser_)));
      }
    }
    finish();
    return std::move(doc_);
  }

 private:
  // The line of a byte of the file, counting '\n' as casco's other readers do (expat's own line
  // number also counts a lone '\r').
  unsigned long line_at(XML_Index offset) const {
    if (offset < 0) return XML_GetCurrentLineNumber(parser_);
    std::ifstream in(file_, std::ios::binary);
    unsigned long line = 1;
    std::vector<char> buf(1 << 16);
    for (XML_Index left = offset; left > 0 && in;) {
      in.read(buf.data(), static_cast<std::streamsize>(std::min<XML_Index>(left, buf.size())));
      const auto n = in.gcount();
      line += static_cast<unsigned long>(std::count(buf.data(), buf.data() + n, '\n'));
      left -= n;
      if (n == 0) break;
    }
    return line;
  }

  // ------------------------------------------------------------------ expat callbacks
  static void on_start(void* self, const XML_Char* name, const XML_Char** attrs) {
    static_cast<Parser*>(self)->start(split_name(name), attrs);
  }
  static void on_end(void* self, const XML_Char*) { static_cast<Parser*>(self)->end(); }
  static void on_text(void* self, const XML_Char* s, int len) {
    auto* p = static_cast<Parser*>(self);
    if (p->text_.size() + static_cast<std::size_t>(len) <= kMaxText) p->text_.append(s, len);
  }
  static void on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Parser*>(self)->stop("a document type declaration (BRO XML has none)");
  }

  void stop(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    XML_StopParser(parser_, XML_FALSE);
  }

  bool parent_is(const char* local, std::size_t up = 1) const {
    return path_.size() > up && path_[path_.size() - 1 - up].local == local;
  }
  bool inside(const char* local) const {
    return std::any_of(path_.begin(), path_.end(), [&](const Name& n) { return n.local == local; });
  }

  void start(Name n, const XML_Char** attrs) {
    if (path_.size() >= kMaxDepth) return stop("elements nested more than 200 deep");
    text_.clear();
    path_.push_back(std::move(n));
    const std::string& l = path_.back().local;
    if (path_.size() == 1) root_ = path_.back();
    if ((l == "GLD_O" && is_bro_ns(path_.back().ns, "dsgld")) ||
        ((l == "GMW_PO" || l == "GMW_PPO") && is_bro_ns(path_.back().ns, "dsgmw"))) {
      if (doc_.kind != Document::None)
        return stop("more than one BRO object in one file (one GLD or GMW per file)");
      doc_.kind = l == "GLD_O" ? Document::Gld : Document::Gmw;
    }
    if (doc_.kind == Document::Gld)
      start_gld(l, attrs);
    else if (doc_.kind == Document::Gmw)
      start_gmw(l, attrs);
  }

  void end() {
    if (path_.empty()) return;
    const std::string text = trim(std::move(text_));
    text_.clear();
    const std::string l = path_.back().local;
    if (l == "responseType" && path_.size() == 2) response_ = text;
    if (doc_.kind == Document::Gld)
      end_gld(l, text);
    else if (doc_.kind == Document::Gmw)
      end_gmw(l, text);
    path_.pop_back();
  }

  // ------------------------------------------------------------------ GLD
  void start_gld(const std::string& l, const XML_Char** attrs) {
    if (l == "OM_Observation") {
      obs_status_.clear();
      obs_type_.clear();
    } else if (l == "status" && parent_is("ObservationMetadata")) {
      obs_status_ = code_of(attribute(attrs, kXlinkHref));
    } else if (l == "name" && parent_is("NamedValue")) {
      param_ = code_of(attribute(attrs, kXlinkHref));
    } else if (l == "MeasurementTVP") {
      point_ = Point{};
    } else if (l == "value" && parent_is("MeasurementTVP")) {
      const char* nil = attribute(attrs, kXsiNil);
      point_.nil = nil && (std::strcmp(nil, "true") == 0 || std::strcmp(nil, "1") == 0);
      const char* uom = attribute(attrs, "uom");
      point_.uom = uom ? uom : "";
    } else if (l == "codeSpace" && parent_is("Category")) {
      category_space_ = code_of(attribute(attrs, kXlinkHref));
    } else if (l == "Category") {
      category_space_.clear();
    } else if (l == "censoredReason" && parent_is("TVPMeasurementMetadata")) {
      point_.censored = true;
    }
  }

  void end_gld(const std::string& l, const std::string& text) {
    LevelDossier& g = doc_.gld;
    if (l == "broId" && parent_is("GLD_O")) {
      g.id = text;
    } else if (inside("monitoringPoint") && parent_is("GroundwaterMonitoringTube")) {
      if (l == "broId") g.well = text;
      if (l == "tubeNumber") g.tube = text;
    } else if (l == "value" && parent_is("NamedValue") && param_ == "observationType") {
      obs_type_ = text;
    } else if (l == "time" && parent_is("MeasurementTVP")) {
      point_.time = text;
    } else if (l == "value" && parent_is("MeasurementTVP")) {
      point_.value = text;
    } else if (l == "value" && parent_is("Category") &&
               (category_space_.empty() || category_space_ == "StatusQualityControl")) {
      point_.quality = text;
    } else if (l == "MeasurementTVP") {
      add_point();
    }
  }

  // One measurement point: skipped and counted (bad time or no value; afgekeurd; onbeslist), or
  // kept with its precedence.
  void add_point() {
    LevelDossier& g = doc_.gld;
    ++g.rows;
    if (point_.quality == "afgekeurd") {
      ++g.skipped.rejected;
      return;
    }
    if (point_.quality == "onbeslist") {
      ++g.skipped.undecided;
      return;
    }
    if (!point_.uom.empty() && point_.uom != "m")
      return stop("a water level in '" + point_.uom + "', not in m (NAP), at " + point_.time);
    RankedReading r;
    if (point_.nil || point_.censored || !parse_time_day(point_.time, r.day) ||
        !parse_double(point_.value, r.head) || std::abs(r.head) > kMaxAbsHeight) {
      ++g.skipped.missing;
      return;
    }
    if (obs_type_ == "controlemeting")
      r.rank = 0;
    else if (obs_status_ == "volledigBeoordeeld")
      r.rank = 3;
    else if (obs_status_ == "voorlopig")
      r.rank = 2;
    else
      r.rank = 1;
    g.readings.push_back(r);
  }

  // ------------------------------------------------------------------ GMW
  void start_gmw(const std::string& l, const XML_Char** attrs) {
    if (l == "location" && parent_is("deliveredLocation")) {
      const char* srs = attribute(attrs, "srsName");
      doc_.gmw.crs = crs_of(srs ? srs : "");
      if (doc_.gmw.crs.empty())
        stop(fmt::format("deliveredLocation without a known srsName ('{}')", srs ? srs : ""));
    } else if (l == "monitoringTube" && (parent_is("GMW_PO") || parent_is("GMW_PPO"))) {
      tube_ = Tube{};
    } else if (l == "groundLevelPosition" || l == "tubeTopPosition" || l == "screenTopPosition" ||
               l == "screenBottomPosition") {
      const char* uom = attribute(attrs, "uom");
      if (uom && std::strcmp(uom, "m") != 0) stop(fmt::format("{} in '{}', not in m", l, uom));
    }
  }

  double height(const std::string& what, const std::string& text) {
    double v = Well::kNaN;
    if (text.empty()) return v;  // xsi:nil: unknown
    if (!parse_double(text, v) || std::abs(v) > kMaxAbsHeight) {
      stop(fmt::format("{} '{}' is not a height in m NAP", what, text));
      return Well::kNaN;
    }
    return v;
  }

  void end_gmw(const std::string& l, const std::string& text) {
    MonitoringWell& w = doc_.gmw;
    if (l == "broId" && (parent_is("GMW_PO") || parent_is("GMW_PPO"))) {
      w.id = text;
    } else if (l == "pos" && parent_is("location") && parent_is("deliveredLocation", 2)) {
      double a = 0, b = 0;
      char extra = 0;
      if (std::sscanf(text.c_str(), "%lf %lf %c", &a, &b, &extra) != 2 || !std::isfinite(a) ||
          !std::isfinite(b))
        return stop(fmt::format("the well's position '{}' is not two numbers", text));
      // gml:pos follows the CRS's axis order: northing/latitude first for ETRS89 and WGS 84.
      const bool lat_first = w.crs == "EPSG:4258" || w.crs == "EPSG:4326";
      w.x = lat_first ? b : a;
      w.y = lat_first ? a : b;
    } else if (l == "verticalDatum" && parent_is("deliveredVerticalPosition")) {
      datum_ = text;
    } else if (l == "groundLevelPosition" && parent_is("deliveredVerticalPosition")) {
      w.ground = height("groundLevelPosition", text);
    } else if (parent_is("monitoringTube") && l == "tubeNumber") {
      tube_.number = text;
    } else if (parent_is("monitoringTube") && l == "tubeTopPosition") {
      tube_.tube_top = height("tubeTopPosition", text);
    } else if (parent_is("screen") && l == "screenTopPosition") {
      tube_.screen_top = height("screenTopPosition", text);
    } else if (parent_is("screen") && l == "screenBottomPosition") {
      tube_.screen_bottom = height("screenBottomPosition", text);
    } else if (l == "monitoringTube" && (parent_is("GMW_PO") || parent_is("GMW_PPO"))) {
      w.tubes.push_back(tube_);
    }
  }

  // ------------------------------------------------------------------ after the last byte
  void finish() {
    const std::string f = file_.string();
    if (doc_.kind == Document::None) {
      if (!response_.empty() && response_ != "dispatch")
        fail("{}: the BRO answered with a '{}' instead of a dispatch: no GLD or GMW in it", f,
             response_);
      fail(
          "{}: XML without a BRO GLD_O (grondwaterstandonderzoek) or GMW_PO/GMW_PPO "
          "(grondwatermonitoringsput) object (root element '{}'); casco reads the dispatch "
          "XML of publiek.broservices.nl/gm/gld/v1 and /gm/gmw/v1",
          f, root_.local);
    }
    if (doc_.kind == Document::Gld) {
      const LevelDossier& g = doc_.gld;
      if (g.id.empty()) fail("{}: a GLD without its broId", f);
      if (g.well.empty() || g.tube.empty())
        fail("{}: GLD {} names no monitoring well and tube (monitoringPoint)", f, g.id);
      return;
    }
    const MonitoringWell& w = doc_.gmw;
    if (w.id.empty()) fail("{}: a GMW without its broId", f);
    if (!std::isfinite(w.x) || !std::isfinite(w.y))
      fail("{}: GMW {} has no position (deliveredLocation)", f, w.id);
    if (!datum_.empty() && datum_ != "NAP")
      fail("{}: GMW {} gives heights against '{}', casco expects NAP", f, w.id, datum_);
    for (const Tube& t : w.tubes)
      if (t.number.empty()) fail("{}: GMW {} has a monitoringTube without tubeNumber", f, w.id);
  }

  struct Point {
    std::string time, value, quality, uom;
    bool nil = false, censored = false;
  };

  const fs::path& file_;
  XML_Parser parser_ = nullptr;
  Document doc_;
  std::vector<Name> path_;
  Name root_;
  std::string text_, error_, response_;
  std::string obs_status_, obs_type_, param_, category_space_, datum_;
  Point point_;
  Tube tube_;
};

int days_from_civil(int y, int m, int d) {
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(m)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return INT_MIN;
  return static_cast<int>(std::chrono::sys_days(ymd).time_since_epoch().count());
}

}  // namespace

bool looks_like_xml(const std::string& head) {
  std::size_t i = 0;
  if (head.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 byte order mark
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  return i < head.size() && head[i] == '<';
}

bool looks_like_gmw(const std::string& head) {
  return head.find("GMW_PO") != std::string::npos || head.find("GMW_PPO") != std::string::npos;
}

Document read_document(const fs::path& file) {
  return Parser(file).read();
}

bool parse_time_day(const std::string& s, int& day) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  if (s.size() < 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &mo, &d) != 3 || s[4] != '-' ||
      s[7] != '-')
    return false;
  const int date = days_from_civil(y, mo, d);
  if (date == INT_MIN) return false;
  if (s.size() == 10) {
    day = date;
    return true;
  }
  if (s[10] != 'T' && s[10] != ' ') return false;
  int used = 0;
  if (std::sscanf(s.c_str() + 11, "%2d:%2d:%lf%n", &h, &mi, &sec, &used) != 3 || h > 24 ||
      mi > 59 || !(sec >= 0 && sec < 61))
    return false;
  const std::string zone = s.substr(11 + static_cast<std::size_t>(used));
  long long minutes = static_cast<long long>(date) * 1440 + h * 60 + mi;
  if (zone.empty()) {
    day = date;  // a local time as written
    return true;
  }
  int offset = 0;
  if (zone == "Z") {
    offset = 0;
  } else {
    int oh = 0, om = 0;
    char extra = 0;
    if ((zone[0] != '+' && zone[0] != '-') ||
        std::sscanf(zone.c_str() + 1, "%2d:%2d%c", &oh, &om, &extra) != 2 || oh > 14 || om > 59)
      return false;
    offset = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  minutes += 60 - offset;  // to UTC, then to Dutch winter time (UTC+1)
  const long long q = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
  day = static_cast<int>(q);
  return true;
}

}  // namespace casco::water::bro
