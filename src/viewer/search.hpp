#pragma once
// Searching the model's own places by name or code: woonplaatsen, postcode areas, gemeenten,
// kernen (whatever the viewer configuration names). An in-memory list, matched on names folded to
// lower case without accents; a query is a scan of a few thousand entries (microseconds).
#include <string>
#include <vector>

namespace casco::viewer {

struct SearchEntry {
  std::string type;         // "plaats", "postcode", "gemeente", "kern" … (the configured label)
  std::string name;         // as shown: "Dwingeloo", "9401", "Assen"
  std::string detail;       // "plaats in Westerveld · 2.600 inwoners"
  std::string layer, code;  // the zones layer and zone code (zones), "" for points
  double lon = 0, lat = 0;  // where to go (a place's point, a zone's centre)
  double bbox[4] = {0, 0, 0, 0};  // west, south, east, north; all 0 for a point
  double weight = 0;              // larger first among equal matches (inhabitants, area)
  int priority = 0;               // the type's order among equal matches (lower first)
};

// Lower case, accents and punctuation removed, spaces collapsed: "Nieuw-Schoonebeek" and
// "nieuw schoonebeek" and "Nieuw Schoonebeek" match; "Eelde-Paterswolde" as "eelde".
std::string fold(const std::string& text);

class SearchIndex {
 public:
  SearchIndex() = default;
  explicit SearchIndex(std::vector<SearchEntry> entries);
  // The best `limit` matches: the whole name, then the start of the name, then the start of a word
  // in it, then anywhere in it; postcodes by their digits ("9401 AB" finds 9401). Empty or
  // one-letter queries find nothing.
  std::vector<const SearchEntry*> find(const std::string& query, std::size_t limit = 10) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<SearchEntry> entries_;
  std::vector<std::string> folded_;  // fold(name) per entry
};

}  // namespace casco::viewer
