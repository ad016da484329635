#pragma once
// The condition language of the afwegingskader: layer names, numbers, text, arithmetic,
// comparisons, and/or/not and a few functions, e.g.
//     natura2000 > 0
//     afstand_natura2000 < 250 and not (kind == "waterberging")
//     between(inwoners, 0.01, 2) or max(natura2000, natura2000_stikstofgevoelig) >= 0.5
// An expression is parsed once into a tree and then evaluated over whole blocks of cells at a
// time (vectorised), never re-interpreted per cell. Booleans are 1/0; comparisons with no data
// (NaN) are false.
#include <memory>
#include <string>
#include <vector>

namespace casco::condition {

struct Node;

// Where an expression's text starts in its file, so errors can point at line and column.
struct TextOrigin {
  std::string file;
  int line = 1;
  int column = 1;
};

class Expression {
 public:
  // Throws casco::Error "file:line:col: what was expected" on a syntax error.
  static Expression parse(const std::string& text, const TextOrigin& origin);

  Expression();
  ~Expression();
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;

  const std::string& text() const { return text_; }
  // Layer names the expression reads (without `kind`), in order of first use.
  const std::vector<std::string>& layers() const { return layers_; }

  // Binds layer names to slots and folds constants (`kind` becomes a text constant). Throws
  // casco::Error naming the unknown layer with its line and column, listing what exists.
  void bind(const std::vector<std::string>& available_layers, const std::string& kind);

  // Evaluates cells [0, n) where layer slot i is `layers[i]` (pointers already offset to the
  // first cell); writes n values to out. Thread-safe; call bind() first.
  void evaluate(const float* const* layers, std::size_t n, float* out) const;

  // The slot index of each bound layer in the `available_layers` passed to bind().
  const std::vector<int>& slots() const { return slots_; }

 private:
  std::string text_;
  TextOrigin origin_;
  std::vector<std::string> layers_;
  std::vector<int> slots_;
  std::unique_ptr<Node> root_;
};

}  // namespace casco::condition
