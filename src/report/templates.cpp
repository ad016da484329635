#include "report/templates.hpp"

#include <ctemplate/template_cache.h>
#include <ctemplate/template_modifiers.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/dutch.hpp"
#include "core/error.hpp"

namespace casco::report {
namespace fs = std::filesystem;

namespace {

// {{VAR:x-capital}}: the value with its first letter upper case, for a value at the start of a
// sentence ("Minder dan 0,1 % …").
class Capital : public ctemplate::TemplateModifier {
 public:
  void Modify(const char* in, size_t n, const ctemplate::PerExpandData*,
              ctemplate::ExpandEmitter* out, const std::string&) const override {
    if (n == 0) return;
    const char c = in[0];
    out->Emit(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    out->Emit(in + 1, n - 1);
  }
};

void register_modifiers() {
  static std::once_flag once;
  static Capital capital;
  std::call_once(once, [] { ctemplate::AddModifier("x-capital", &capital); });
}

}  // namespace

Templates::Templates(const fs::path& dir) : dir_(dir) {
  register_modifiers();
  if (!fs::is_directory(dir))
    fail(
        "report templates '{}' not found: give the folder with report.toml and the *.tpl files "
        "(--templates, e.g. data/drenthe/report)",
        dir.string());
  cache_ = std::make_unique<ctemplate::TemplateCache>();
  cache_->SetTemplateRootDirectory(fs::absolute(dir).string());
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".tpl" &&
        !cache_->LoadTemplate(e.path().filename().string(), ctemplate::STRIP_BLANK_LINES))
      fail(
          "report template '{}' cannot be read: see the message above (an unclosed {{{{#…}}}} "
          "section or a misspelt marker)",
          e.path().string());
}

Templates::~Templates() = default;

std::string Templates::expand(const std::string& file, const Dict& dict) const {
  if (!fs::is_regular_file(dir_ / file))
    fail("report template '{}' is missing in '{}'", file, dir_.string());
  std::string out;
  if (!cache_->ExpandWithData(file, ctemplate::STRIP_BLANK_LINES, &dict, nullptr, &out))
    fail(
        "report template '{}' (or a template it includes) cannot be expanded: see the message "
        "above",
        (dir_ / file).string());
  return out;
}

std::string Templates::read(const std::string& file) const {
  std::ifstream in(dir_ / file, std::ios::binary);
  if (!in) fail("report file '{}' is missing in '{}'", file, dir_.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string escape_html(const std::string& s) {
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

void set(Dict& d, const std::string& key, const std::string& text) {
  d.SetValue(key, escape_html(text));
}

void set_raw(Dict& d, const std::string& key, const std::string& value) {
  d.SetValue(key, value);
}

void show(Dict& d, const std::string& section, bool on) {
  if (on) d.ShowSection(section);
}

void set_count(Dict& d, const std::string& key, double n) {
  const double whole = std::round(n);
  d.SetValue(key, dutch_number(whole, 0));
  d.ShowSection(key + (whole == 0 ? "_NONE" : whole == 1 ? "_ONE" : "_MANY"));
}

void add_list(Dict& d, const std::string& key, const std::vector<std::string>& items, bool more) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    Dict* item = d.AddSectionDictionary(key);
    set(*item, "VALUE", items[i]);
    if (i > 0) item->ShowSection(i + 1 == items.size() && !more ? "AND" : "COMMA");
  }
}

void add_list_more(Dict& d, const std::string& key, const std::vector<std::string>& items,
                   std::size_t shown) {
  const std::size_t n = std::min(items.size(), shown);
  add_list(d, key, std::vector<std::string>(items.begin(), items.begin() + n), n < items.size());
  if (n < items.size()) set_count(*d.AddSectionDictionary("MORE"), "N", items.size() - n);
}

}  // namespace casco::report
