#include "condition/expression.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>

#include "core/error.hpp"

namespace casco::condition {

namespace {
constexpr std::size_t kBlock = 1024;  // cells evaluated per step: fits L1 with a few temporaries
// Deepest nesting of brackets, operators and functions: far beyond any real condition, and far
// within the stack of a worker thread (each level of evaluation holds a block of cells).
constexpr int kMaxDepth = 100;

enum class Op {
  Number,
  Text,
  Layer,
  Kind,
  Neg,
  Not,
  Add,
  Sub,
  Mul,
  Div,
  Lt,
  Le,
  Gt,
  Ge,
  Eq,
  Ne,
  And,
  Or,
  Call
};
enum class Fn { Min, Max, Abs, Between, IsNoData };

struct Pos {
  int line, column;
};

}  // namespace

struct Node {
  Op op;
  Pos pos{1, 1};
  float number = 0;
  std::string text;  // layer name, text literal or function name
  int slot = -1;
  Fn fn = Fn::Min;
  int depth = 1;               // levels of the tree below and including this node
  bool parenthesized = false;  // written in brackets: not merged into a chain around it
  std::vector<std::unique_ptr<Node>> args;
};

namespace {

struct Token {
  enum Kind { End, Number, Text, Ident, Symbol } kind;
  std::string text;
  double number = 0;
  Pos pos;
};

class Parser {
 public:
  Parser(const std::string& text, const TextOrigin& origin) : s_(text), origin_(origin) { next(); }

  std::unique_ptr<Node> parse() {
    auto n = parse_or();
    if (tok_.kind != Token::End)
      error(tok_.pos,
            "unexpected '" + tok_.text + "' after the end of the condition (missing 'and'/'or'?)");
    return n;
  }

  [[noreturn]] void error(Pos p, const std::string& msg) const {
    int line = origin_.line + p.line - 1;
    int column = p.line == 1 ? origin_.column + p.column - 1 : p.column;
    fail("{}:{}:{}: {} in condition \"{}\"", origin_.file, line, column, msg, s_);
  }

 private:
  Pos here() const { return {line_, static_cast<int>(i_ - line_start_) + 1}; }

  void next() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) {
      if (s_[i_] == '\n') {
        ++line_;
        line_start_ = i_ + 1;
      }
      ++i_;
    }
    tok_ = Token{Token::End, "end of condition", 0, here()};
    if (i_ >= s_.size()) return;
    char c = s_[i_];
    std::size_t start = i_;
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
      while (i_ < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' || s_[i_] == '_'))
        ++i_;
      if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
        ++i_;
        if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      }
      std::string digits;
      for (std::size_t k = start; k < i_; ++k)
        if (s_[k] != '_') digits += s_[k];
      tok_.kind = Token::Number;
      tok_.text = s_.substr(start, i_ - start);
      try {
        std::size_t used = 0;
        tok_.number = std::stod(digits, &used);
        if (used != digits.size()) throw std::invalid_argument(digits);
      } catch (const std::exception&) {
        error(tok_.pos, "'" + tok_.text + "' is not a number");
      }
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
        ++i_;
      tok_.kind = Token::Ident;
      tok_.text = s_.substr(start, i_ - start);
    } else if (c == '"' || c == '\'') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != c) ++i_;
      if (i_ >= s_.size())
        error(tok_.pos, "text starting here is not closed with " + std::string(1, c));
      tok_.kind = Token::Text;
      tok_.text = s_.substr(start + 1, i_ - start - 1);
      ++i_;
    } else {
      static const char* two[] = {"<=", ">=", "==", "!="};
      for (const char* t : two)
        if (s_.compare(i_, 2, t) == 0) {
          i_ += 2;
          tok_.kind = Token::Symbol;
          tok_.text = t;
          return;
        }
      if (std::string("+-*/<>(),").find(c) == std::string::npos) {
        if (c == '=') error(tok_.pos, "use '==' to compare");
        if (c == '&' || c == '|' || c == '!') error(tok_.pos, "use 'and', 'or' and 'not'");
        error(tok_.pos, std::string("unexpected character '") + c + "'");
      }
      ++i_;
      tok_.kind = Token::Symbol;
      tok_.text = std::string(1, c);
    }
  }

  bool accept_word(const char* w) {
    if (tok_.kind == Token::Ident && tok_.text == w) {
      next();
      return true;
    }
    return false;
  }
  bool accept_symbol(const char* s) {
    if (tok_.kind == Token::Symbol && tok_.text == s) {
      next();
      return true;
    }
    return false;
  }

  std::unique_ptr<Node> make(Op op, Pos pos, std::unique_ptr<Node> a = nullptr,
                             std::unique_ptr<Node> b = nullptr) const {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->pos = pos;
    if (a) n->args.push_back(std::move(a));
    if (b) n->args.push_back(std::move(b));
    check_depth(*n);
    return n;
  }

  // `a or b or c`, `a and b and c`, `a + b + c`, `a * b * c`: one node with every term, so a long
  // list of alternatives or terms stays one level deep (evaluated left to right, as written).
  std::unique_ptr<Node> chain(Op op, Pos pos, std::unique_ptr<Node> left,
                              std::unique_ptr<Node> right) const {
    if (left->op != op || left->parenthesized)
      return make(op, pos, std::move(left), std::move(right));
    left->depth = std::max(left->depth, right->depth + 1);
    left->args.push_back(std::move(right));
    if (left->depth > kMaxDepth) error(left->pos, too_deep());
    return left;
  }

  // A tree deeper than kMaxDepth (a long chain of operators) is refused before anything recurses
  // over it.
  void check_depth(Node& n) const {
    for (const auto& a : n.args) n.depth = std::max(n.depth, a->depth + 1);
    if (n.depth > kMaxDepth) error(n.pos, too_deep());
  }
  static std::string too_deep() {
    return fmt::format(
        "the condition nests more than {} levels deep (brackets, 'not', signs or operators in a "
        "row): split it, e.g. into expression layers of the model",
        kMaxDepth);
  }

  // One level of recursion while parsing (a bracket, 'not', a sign, a function's arguments):
  // refused beyond kMaxDepth before the parser's own stack runs out.
  struct Nesting {
    Parser& p;
    Nesting(Parser& parser, Pos pos) : p(parser) {
      if (++p.nesting_ > kMaxDepth) p.error(pos, too_deep());
    }
    ~Nesting() { --p.nesting_; }
  };

  std::unique_ptr<Node> parse_or() {
    auto left = parse_and();
    while (true) {
      Pos p = tok_.pos;
      if (!accept_word("or")) return left;
      left = chain(Op::Or, p, std::move(left), parse_and());
    }
  }
  std::unique_ptr<Node> parse_and() {
    auto left = parse_not();
    while (true) {
      Pos p = tok_.pos;
      if (!accept_word("and")) return left;
      left = chain(Op::And, p, std::move(left), parse_not());
    }
  }
  std::unique_ptr<Node> parse_not() {
    Pos p = tok_.pos;
    if (accept_word("not")) {
      Nesting nest(*this, p);
      return make(Op::Not, p, parse_not());
    }
    return parse_cmp();
  }
  std::unique_ptr<Node> parse_cmp() {
    auto left = parse_add();
    static const std::pair<const char*, Op> ops[] = {{"<", Op::Lt},  {"<=", Op::Le},
                                                     {">", Op::Gt},  {">=", Op::Ge},
                                                     {"==", Op::Eq}, {"!=", Op::Ne}};
    for (auto& [sym, op] : ops) {
      Pos p = tok_.pos;
      if (accept_symbol(sym)) return make(op, p, std::move(left), parse_add());
    }
    return left;
  }
  std::unique_ptr<Node> parse_add() {
    auto left = parse_mul();
    while (true) {
      Pos p = tok_.pos;
      if (accept_symbol("+"))
        left = chain(Op::Add, p, std::move(left), parse_mul());
      else if (accept_symbol("-"))
        left = make(Op::Sub, p, std::move(left), parse_mul());
      else
        return left;
    }
  }
  std::unique_ptr<Node> parse_mul() {
    auto left = parse_unary();
    while (true) {
      Pos p = tok_.pos;
      if (accept_symbol("*"))
        left = chain(Op::Mul, p, std::move(left), parse_unary());
      else if (accept_symbol("/"))
        left = make(Op::Div, p, std::move(left), parse_unary());
      else
        return left;
    }
  }
  std::unique_ptr<Node> parse_unary() {
    Pos p = tok_.pos;
    if (accept_symbol("-")) {
      Nesting nest(*this, p);
      return make(Op::Neg, p, parse_unary());
    }
    return parse_primary();
  }
  std::unique_ptr<Node> parse_primary() {
    Token t = tok_;
    if (t.kind == Token::Number) {
      next();
      auto n = make(Op::Number, t.pos);
      n->number = static_cast<float>(t.number);
      return n;
    }
    if (t.kind == Token::Text) {
      next();
      auto n = make(Op::Text, t.pos);
      n->text = t.text;
      return n;
    }
    if (t.kind == Token::Ident) {
      if (t.text == "and" || t.text == "or" || t.text == "not")
        error(t.pos, "expected a layer name, number or '(' before '" + t.text + "'");
      next();
      if (accept_symbol("(")) return parse_call(t);
      auto n = make(t.text == "kind" ? Op::Kind : Op::Layer, t.pos);
      n->text = t.text;
      return n;
    }
    if (accept_symbol("(")) {
      Nesting nest(*this, t.pos);
      auto n = parse_or();
      if (!accept_symbol(")")) error(tok_.pos, "expected ')' but found '" + tok_.text + "'");
      n->parenthesized = true;
      return n;
    }
    error(t.pos, "expected a layer name, number, text or '(' but found '" + t.text + "'");
  }
  std::unique_ptr<Node> parse_call(const Token& name) {
    static const std::pair<const char*, std::pair<Fn, std::pair<int, int>>> fns[] = {
        {"min", {Fn::Min, {2, 99}}},
        {"max", {Fn::Max, {2, 99}}},
        {"abs", {Fn::Abs, {1, 1}}},
        {"between", {Fn::Between, {3, 3}}},
        {"isnodata", {Fn::IsNoData, {1, 1}}}};
    auto it =
        std::find_if(std::begin(fns), std::end(fns), [&](auto& f) { return name.text == f.first; });
    if (it == std::end(fns))
      error(name.pos,
            "unknown function '" + name.text + "' (functions: min, max, abs, between, isnodata)");
    auto n = make(Op::Call, name.pos);
    n->fn = it->second.first;
    n->text = name.text;
    Nesting nest(*this, name.pos);
    if (!accept_symbol(")")) {
      do n->args.push_back(parse_or());
      while (accept_symbol(","));
      if (!accept_symbol(")")) error(tok_.pos, "expected ',' or ')' but found '" + tok_.text + "'");
    }
    check_depth(*n);
    auto [lo, hi] = it->second.second;
    int count = static_cast<int>(n->args.size());
    if (count < lo || count > hi)
      error(name.pos, fmt::format("{}() takes {} argument{}, not {}", name.text,
                                  lo == hi ? std::to_string(lo) : fmt::format("{} or more", lo),
                                  lo == 1 && hi == 1 ? "" : "s", count));
    return n;
  }

  const std::string& s_;
  TextOrigin origin_;
  std::size_t i_ = 0, line_start_ = 0;
  int line_ = 1;
  int nesting_ = 0;
  Token tok_{};
};

// Replaces `kind == "x"` (and !=) by 1 or 0, and checks that text appears nowhere else.
void fold(std::unique_ptr<Node>& n, const std::string& kind, const Parser& errors) {
  for (auto& a : n->args) fold(a, kind, errors);
  if (n->op == Op::Eq || n->op == Op::Ne) {
    Node* a = n->args[0].get();
    Node* b = n->args[1].get();
    bool ta = a->op == Op::Text || a->op == Op::Kind, tb = b->op == Op::Text || b->op == Op::Kind;
    if (ta || tb) {
      if (!(ta && tb))
        errors.error(n->pos, "text can only be compared with text (e.g. kind == \"zonnepark\")");
      auto value = [&](Node* x) { return x->op == Op::Kind ? kind : x->text; };
      bool eq = value(a) == value(b);
      auto c = std::make_unique<Node>();
      c->op = Op::Number;
      c->pos = n->pos;
      c->number = (eq == (n->op == Op::Eq)) ? 1.0f : 0.0f;
      n = std::move(c);
      return;
    }
  }
  for (auto& a : n->args)
    if (a->op == Op::Text || a->op == Op::Kind)
      errors.error(a->pos, "text (and `kind`) can only be compared with == or !=");
}

inline float truth(float v) {
  return (v != 0.0f && !std::isnan(v)) ? 1.0f : 0.0f;
}

void apply(Op op, float* out, const float* b, std::size_t len);

void eval(const Node& n, const float* const* layers, std::size_t off, std::size_t len, float* out) {
  switch (n.op) {
    case Op::Number:
      std::fill(out, out + len, n.number);
      return;
    case Op::Layer: {
      const float* src = layers[n.slot] + off;
      std::copy(src, src + len, out);
      return;
    }
    case Op::Text:
    case Op::Kind:
      std::fill(out, out + len, std::numeric_limits<float>::quiet_NaN());  // unreachable after fold
      return;
    case Op::Neg:
      eval(*n.args[0], layers, off, len, out);
      for (std::size_t i = 0; i < len; ++i) out[i] = -out[i];
      return;
    case Op::Not:
      eval(*n.args[0], layers, off, len, out);
      for (std::size_t i = 0; i < len; ++i) out[i] = 1.0f - truth(out[i]);
      return;
    case Op::Call: {
      eval(*n.args[0], layers, off, len, out);
      if (n.fn == Fn::Abs) {
        for (std::size_t i = 0; i < len; ++i) out[i] = std::abs(out[i]);
        return;
      }
      if (n.fn == Fn::IsNoData) {
        for (std::size_t i = 0; i < len; ++i) out[i] = std::isnan(out[i]) ? 1.0f : 0.0f;
        return;
      }
      std::array<float, kBlock> tmp;
      if (n.fn == Fn::Between) {
        std::array<float, kBlock> hi;
        eval(*n.args[1], layers, off, len, tmp.data());
        eval(*n.args[2], layers, off, len, hi.data());
        for (std::size_t i = 0; i < len; ++i)
          out[i] = (out[i] >= tmp[i] && out[i] <= hi[i]) ? 1.0f : 0.0f;
        return;
      }
      for (std::size_t k = 1; k < n.args.size(); ++k) {
        eval(*n.args[k], layers, off, len, tmp.data());
        if (n.fn == Fn::Min)
          for (std::size_t i = 0; i < len; ++i) out[i] = std::fmin(out[i], tmp[i]);
        else
          for (std::size_t i = 0; i < len; ++i) out[i] = std::fmax(out[i], tmp[i]);
      }
      return;
    }
    default:
      break;
  }
  // Binary operators; and, or, + and * may have more terms (a chain), applied left to right.
  std::array<float, kBlock> rhs;
  eval(*n.args[0], layers, off, len, out);
  for (std::size_t k = 1; k < n.args.size(); ++k) {
    eval(*n.args[k], layers, off, len, rhs.data());
    apply(n.op, out, rhs.data(), len);
  }
}

void apply(Op op, float* out, const float* b, std::size_t len) {
  switch (op) {
    case Op::Add:
      for (std::size_t i = 0; i < len; ++i) out[i] += b[i];
      break;
    case Op::Sub:
      for (std::size_t i = 0; i < len; ++i) out[i] -= b[i];
      break;
    case Op::Mul:
      for (std::size_t i = 0; i < len; ++i) out[i] *= b[i];
      break;
    case Op::Div:
      for (std::size_t i = 0; i < len; ++i) out[i] /= b[i];
      break;
    case Op::Lt:
      for (std::size_t i = 0; i < len; ++i) out[i] = out[i] < b[i] ? 1.0f : 0.0f;
      break;
    case Op::Le:
      for (std::size_t i = 0; i < len; ++i) out[i] = out[i] <= b[i] ? 1.0f : 0.0f;
      break;
    case Op::Gt:
      for (std::size_t i = 0; i < len; ++i) out[i] = out[i] > b[i] ? 1.0f : 0.0f;
      break;
    case Op::Ge:
      for (std::size_t i = 0; i < len; ++i) out[i] = out[i] >= b[i] ? 1.0f : 0.0f;
      break;
    case Op::Eq:
      for (std::size_t i = 0; i < len; ++i) out[i] = out[i] == b[i] ? 1.0f : 0.0f;
      break;
    case Op::Ne:
      for (std::size_t i = 0; i < len; ++i)
        out[i] = (out[i] != b[i] && !std::isnan(out[i]) && !std::isnan(b[i])) ? 1.0f : 0.0f;
      break;
    case Op::And:
      for (std::size_t i = 0; i < len; ++i) out[i] = truth(out[i]) * truth(b[i]);
      break;
    case Op::Or:
      for (std::size_t i = 0; i < len; ++i) out[i] = std::max(truth(out[i]), truth(b[i]));
      break;
    default:
      break;
  }
}

void collect_layers(const Node& n, std::vector<std::string>& out) {
  if (n.op == Op::Layer && std::find(out.begin(), out.end(), n.text) == out.end())
    out.push_back(n.text);
  for (const auto& a : n.args) collect_layers(*a, out);
}

}  // namespace

Expression::Expression() = default;
Expression::~Expression() = default;
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;

Expression Expression::parse(const std::string& text, const TextOrigin& origin) {
  Expression e;
  e.text_ = text;
  e.origin_ = origin;
  Parser p(e.text_, origin);
  e.root_ = p.parse();
  collect_layers(*e.root_, e.layers_);
  return e;
}

void Expression::bind(const std::vector<std::string>& available, const std::string& kind) {
  Parser errors(text_, origin_);
  std::function<void(Node&)> bind_node = [&](Node& n) {
    if (n.op == Op::Layer) {
      auto it = std::find(available.begin(), available.end(), n.text);
      if (it == available.end()) {
        std::string names;
        for (const auto& a : available) names += (names.empty() ? "" : ", ") + a;
        errors.error(n.pos, fmt::format("unknown layer '{}' (the model has: {})", n.text, names));
      }
      n.slot = static_cast<int>(it - available.begin());
    }
    for (auto& a : n.args) bind_node(*a);
  };
  bind_node(*root_);
  fold(root_, kind, errors);
  if (root_->op == Op::Text || root_->op == Op::Kind)
    errors.error(root_->pos, "a condition cannot be only text");
  slots_.clear();
  for (const auto& name : layers_)
    slots_.push_back(
        static_cast<int>(std::find(available.begin(), available.end(), name) - available.begin()));
}

void Expression::evaluate(const float* const* layers, std::size_t n, float* out) const {
  for (std::size_t off = 0; off < n; off += kBlock)
    eval(*root_, layers, off, std::min(kBlock, n - off), out + off);
}

}  // namespace casco::condition
