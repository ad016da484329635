#include "viewer/search.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace casco::viewer {
namespace {

// Latin letters with accents (two-byte UTF-8, U+00C0-U+017F) to their plain letter.
char plain_letter(unsigned code) {
  static constexpr std::string_view latin1 =  // U+00C0 … U+00FF; × and ÷ separate words
      "aaaaaaaceeeeiiiidnooooo ouuuuyts"
      "aaaaaaaceeeeiiiidnooooo ouuuuyty";
  static_assert(latin1.size() == 0x40);
  if (code >= 0xC0 && code <= 0xFF) return latin1[code - 0xC0];
  if (code >= 0x100 && code <= 0x17F) {  // Latin Extended-A: pairs per letter, in order
    static constexpr std::string_view ext =
        "aaaaaa"
        "cccccccc"
        "dddd"
        "eeeeeeeeee"
        "gggggggg"
        "hhhh"
        "iiiiiiiiii"
        "iijj"
        "kkk"
        "llllllllll"
        "nnnnnnnnn"
        "oooooooo"
        "rrrrrr"
        "ssssssss"
        "tttttt"
        "uuuuuuuuuuuu"
        "ww"
        "yyy"
        "zzzzzz"
        "s";
    static_assert(ext.size() == 0x80);
    const unsigned i = code - 0x100;
    return ext[i];
  }
  return ' ';
}

}  // namespace

std::string fold(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  auto put = [&](char c) {
    if (c == ' ') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (std::isalnum(c))
        put(static_cast<char>(std::tolower(c)));
      else if (c != '\'')  // "'s-Gravenhage", "Jan's": the apostrophe joins
        put(' ');
    } else if ((c & 0xE0) == 0xC0 && i + 1 < text.size()) {
      const unsigned code = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
      put(plain_letter(code));
      ++i;
    } else {
      put(' ');  // other scripts and symbols separate words
      while (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) ++i;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

SearchIndex::SearchIndex(std::vector<SearchEntry> entries) : entries_(std::move(entries)) {
  folded_.reserve(entries_.size());
  for (const auto& e : entries_) folded_.push_back(fold(e.name));
}

std::vector<const SearchEntry*> SearchIndex::find(const std::string& query,
                                                  std::size_t limit) const {
  std::string q = fold(query);
  // A Dutch postcode "9401 AB" or "9401AB" searches its four digits.
  if (q.size() >= 4 && std::all_of(q.begin(), q.begin() + 4, ::isdigit) &&
      (q.size() == 4 || q[4] == ' ' || std::isalpha(static_cast<unsigned char>(q[4]))))
    q = q.substr(0, 4);
  if (q.size() < 2) return {};
  struct Hit {
    int quality;
    std::size_t i;
  };
  std::vector<Hit> hits;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const std::string& name = folded_[i];
    const std::size_t at = name.find(q);
    if (at == std::string::npos) continue;
    int quality = name.size() == q.size() ? 0 : at == 0 ? 1 : name[at - 1] == ' ' ? 2 : 3;
    hits.push_back({quality, i});
  }
  std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
    const SearchEntry &ea = entries_[a.i], &eb = entries_[b.i];
    if (a.quality != b.quality) return a.quality < b.quality;
    if (ea.priority != eb.priority) return ea.priority < eb.priority;
    if (ea.weight != eb.weight) return ea.weight > eb.weight;
    if (folded_[a.i].size() != folded_[b.i].size())
      return folded_[a.i].size() < folded_[b.i].size();
    return folded_[a.i] < folded_[b.i];
  });
  std::vector<const SearchEntry*> out;
  for (const Hit& h : hits) {
    if (out.size() >= limit) break;
    out.push_back(&entries_[h.i]);
  }
  return out;
}

}  // namespace casco::viewer
