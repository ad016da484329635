#include "core/toml_text.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace casco {
namespace {

struct CodePoint {
  char32_t value = 0;
  std::size_t bytes = 0;  // 0: the bytes at that place are not UTF-8
};

// One UTF-8 code point, strictly: no overlong forms, no surrogates, nothing beyond U+10FFFF.
CodePoint decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t n = 0;
  char32_t cp = 0, least = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, least = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, least = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, least = 0x10000;
  } else {
    return {};
  }
  if (i + n > s.size()) return {};
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, n};
}

std::string escape(char32_t c) {
  return c <= 0xFFFF ? fmt::format("\\u{:04X}", static_cast<unsigned>(c))
                     : fmt::format("\\U{:08X}", static_cast<unsigned>(c));
}

// Reads the text once, as TOML's lexer would: outside quotes, in a comment, in "…", """…""", '…'
// or '''…'''. TOML delimits these without context, so on a valid file this agrees with toml++;
// on an invalid one toml++ stops at the first error, before any place where they could differ.
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& file) : t_(text), file_(file) {
    out_.reserve(text.size() + text.size() / 8);
  }

  std::string run() {
    if (t_.starts_with("\xEF\xBB\xBF")) copy_bytes(3, 0);  // a byte-order mark, as toml++ allows
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '#') {
        comment();
      } else if (c == '"') {
        basic(t_.substr(i_).starts_with("\"\"\""));
      } else if (c == '\'') {
        if (t_.substr(i_).starts_with("'''"))
          multi_line_literal();
        else
          literal();
      } else if (static_cast<unsigned char>(c) < 0x80) {
        copy_ascii();
      } else {
        const CodePoint cp = code_point(i_);
        error(
            fmt::format("the character '{}' (U+{:04X}) stands outside quotes; a key without "
                        "quotes holds only A-Z, a-z, 0-9, _ and -, and text goes between \"…\"",
                        t_.substr(i_, cp.bytes), static_cast<unsigned>(cp.value)));
      }
    }
    return std::move(out_);
  }

 private:
  std::string_view t_;
  const std::string& file_;
  std::size_t i_ = 0;
  unsigned line_ = 1, col_ = 1;
  std::string out_;

  [[noreturn]] void error(const std::string& what) const {
    fail("{}:{}:{}: malformed TOML: {}", file_, line_, col_, what);
  }

  CodePoint code_point(std::size_t i) const {
    const CodePoint cp = decode(t_, i);
    if (cp.bytes == 0)
      error(fmt::format("byte 0x{:02X} is not UTF-8; save the file as UTF-8",
                        static_cast<unsigned>(static_cast<unsigned char>(t_[i]))));
    return cp;
  }

  // Copies `bytes` bytes that make `columns` columns.
  void copy_bytes(std::size_t bytes, unsigned columns) {
    out_.append(t_.substr(i_, bytes));
    i_ += bytes;
    col_ += columns;
  }

  void copy_ascii() {
    if (t_[i_] == '\n') {
      out_ += '\n';
      ++i_, ++line_, col_ = 1;
    } else {
      copy_bytes(1, 1);
    }
  }

  // Copies one code point as it is, checking that it is UTF-8.
  void copy_code_point() {
    if (static_cast<unsigned char>(t_[i_]) < 0x80) return copy_ascii();
    copy_bytes(code_point(i_).bytes, 1);
  }

  // Copies one code point, writing one beyond ASCII as an escape.
  void copy_escaped() {
    if (static_cast<unsigned char>(t_[i_]) < 0x80) return copy_ascii();
    const CodePoint cp = code_point(i_);
    out_ += escape(cp.value);
    i_ += cp.bytes, ++col_;
  }

  // The content of a literal text up to `stop`, written as the content of a basic one: \ and "
  // escaped, characters beyond ASCII as escapes.
  void copy_literal_as_basic(std::size_t stop) {
    while (i_ < stop) {
      if (t_[i_] == '\\' || t_[i_] == '"') {
        out_ += '\\';
        copy_bytes(1, 1);
      } else {
        copy_escaped();
      }
    }
  }

  std::size_t quotes_at(std::size_t i, char quote) const {
    std::size_t n = 0;
    while (i + n < t_.size() && t_[i + n] == quote) ++n;
    return n;
  }

  void comment() {
    while (i_ < t_.size() && t_[i_] != '\n') copy_code_point();
  }

  // "…" or """…""": characters beyond ASCII become escapes.
  void basic(bool multi_line) {
    copy_bytes(multi_line ? 3 : 1, multi_line ? 3 : 1);
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\\') {
        copy_bytes(1, 1);
        if (i_ >= t_.size()) return;
        if (static_cast<unsigned char>(t_[i_]) >= 0x80)
          error(
              fmt::format("'\\{}' is no escape; after \\ come n, t, \", \\, uXXXX and the like, "
                          "or the end of the line in a \"\"\"…\"\"\" text",
                          t_.substr(i_, code_point(i_).bytes)));
        copy_ascii();  // the escaped letter (or the line end after a line-ending backslash)
      } else if (c == '"') {
        if (!multi_line) return copy_bytes(1, 1);
        const std::size_t run = quotes_at(i_, '"');
        if (run >= 3) {
          const std::size_t closing = std::min<std::size_t>(run, 5);  // """…""""" ends in quotes
          return copy_bytes(closing, static_cast<unsigned>(closing));
        }
        copy_bytes(run, static_cast<unsigned>(run));
      } else if (c == '\n' && !multi_line) {
        return;  // not closed on its line: toml++ says so
      } else {
        copy_escaped();
      }
    }
  }

  // '…': as it is when all ASCII, otherwise the same text as "…" with escapes.
  void literal() {
    std::size_t end = i_ + 1;
    bool plain = true;
    while (end < t_.size() && t_[end] != '\'' && t_[end] != '\n') {
      plain = plain && static_cast<unsigned char>(t_[end]) < 0x80;
      ++end;
    }
    if (plain) {
      const std::size_t n = end < t_.size() && t_[end] == '\'' ? end + 1 - i_ : 1;
      return copy_bytes(n, static_cast<unsigned>(n));
    }
    if (end >= t_.size() || t_[end] != '\'')
      error("a text opened with ' is not closed on its line");
    out_ += '"';
    ++i_, ++col_;
    copy_literal_as_basic(end);
    out_ += '"';
    ++i_, ++col_;
  }

  // '''…''': as it is when all ASCII, otherwise the same text as """…""" with escapes. (Passing
  // it on as it is would not do: after an error such as `x = 1~'''é'''` toml++ reads on through
  // the quotes as one bare value, asking about every character.)
  void multi_line_literal() {
    std::size_t end = i_ + 3, closing = 0;
    bool plain = true;
    while (end < t_.size()) {
      if (t_[end] == '\'') {
        const std::size_t run = quotes_at(end, '\'');
        if (run >= 3) {
          closing = std::min<std::size_t>(run, 5);
          break;
        }
        end += run;
        continue;
      }
      plain = plain && static_cast<unsigned char>(t_[end]) < 0x80;
      ++end;
    }
    if (plain) {
      copy_bytes(3, 3);
      while (i_ < end) copy_ascii();
      return copy_bytes(closing, static_cast<unsigned>(closing));
    }
    out_ += "\"\"\"";
    i_ += 3, col_ += 3;
    // Quotes beyond the closing three belong to the text ('''a''''' is "a''").
    const std::size_t stop = closing ? end + closing - 3 : end;
    copy_literal_as_basic(stop);
    if (closing) {
      out_ += "\"\"\"";
      i_ += 3, col_ += 3;
    }
  }
};

}  // namespace

std::string toml_text_for_parser(std::string_view text, const std::string& file) {
  return Scanner(text, file).run();
}

}  // namespace casco
