#pragma once
// The report's templates: HTML and every sentence in *.tpl files that a province edits without
// recompiling (data/drenthe/report/), expanded with ctemplate (Debian libctemplate-dev). Values
// are HTML-escaped when they are set here, so a template never needs a modifier; markers and
// conventions: docs/report.md.
#include <ctemplate/template.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace casco::report {

using Dict = ctemplate::TemplateDictionary;

class Templates {
 public:
  // Loads every *.tpl in `dir` once, so a broken template fails before any work is done; throws
  // casco::Error naming the file.
  explicit Templates(const std::filesystem::path& dir);
  ~Templates();
  // Expands `file` (e.g. "pagina.tpl") with `dict`; includes are found in the same folder.
  std::string expand(const std::string& file, const Dict& dict) const;
  // The text of a file in the folder as it is (the style sheet).
  std::string read(const std::string& file) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<ctemplate::TemplateCache> cache_;
};

std::string escape_html(const std::string& s);

// Dictionary helpers. set(): text, escaped. set_raw(): markup or a data: URI, as it is.
void set(Dict& d, const std::string& key, const std::string& text);
void set_raw(Dict& d, const std::string& key, const std::string& value);
void show(Dict& d, const std::string& section, bool on = true);
// A count for sentences that read right for 0, 1 and many: KEY is the number as people read it
// ("1.234"), and exactly one of the sections KEY_NONE, KEY_ONE, KEY_MANY is shown.
void set_count(Dict& d, const std::string& key, double n);
// A list in a sentence: one section KEY per item, with VALUE, and before every item but the
// first the section COMMA, or AND before the last ("a, b en c"). With `more`, the list goes on in
// the template ("a, b, c en nog 2 andere"), so the last item gets COMMA too.
void add_list(Dict& d, const std::string& key, const std::vector<std::string>& items,
              bool more = false);
// The first `shown` items as a list (add_list), and when there are more, the section MORE with
// their count as N (set_count).
void add_list_more(Dict& d, const std::string& key, const std::vector<std::string>& items,
                   std::size_t shown);

}  // namespace casco::report
