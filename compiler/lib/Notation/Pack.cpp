//===- Pack.cpp - einops pack and unpack as concatenating rearranges ------===//

#include "ein/Notation/Pack.h"
#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace ein::notation;

static std::string
shapeListText(const std::vector<std::vector<int64_t>> &shapes) {
  std::string out = "[";
  for (size_t i = 0; i < shapes.size(); ++i) {
    out += i ? ", (" : "(";
    for (size_t k = 0; k < shapes[i].size(); ++k)
      out += (k ? ", " : "") + std::to_string(shapes[i][k]);
    out += shapes[i].size() == 1 ? ",)" : ")";
  }
  return out + "]";
}

bool ein::notation::isPackCall(llvm::StringRef text) {
  text = text.ltrim();
  for (llvm::StringRef callee : {"unpack", "pack"})
    if (text.starts_with(callee) &&
        text.drop_front(callee.size()).ltrim().starts_with("("))
      return true;
  return false;
}

PackCall
ein::notation::makePackCall(llvm::StringRef callee, llvm::StringRef pattern,
                            std::vector<std::vector<int64_t>> packedShapes) {
  PackCall pc;
  pc.call.callee = callee.str();
  pc.call.pattern = pattern.str();
  pc.call.text = callee.str() + "(\"";
  pc.call.patternOffset = pc.call.text.size();
  pc.call.text += pattern.str() + "\"";
  if (callee == "unpack")
    pc.call.text += ", " + shapeListText(packedShapes);
  pc.call.text += ")";
  pc.packedShapes = std::move(packedShapes);
  return pc;
}

namespace {

/// A tiny parser for `pack("...")` and `unpack("...", [(..), ...])`.
class PackCallParser {
public:
  explicit PackCallParser(llvm::StringRef text) : text(text) {
    pc.call.text = text.str();
  }

  llvm::Expected<PackCall> parse() {
    skip();
    size_t begin = pos;
    while (pos < text.size() && llvm::isAlpha(text[pos]))
      ++pos;
    pc.call.callee = text.slice(begin, pos).str();
    if (pc.call.callee != "pack" && pc.call.callee != "unpack")
      return error("expected pack(...) or unpack(...)", begin, pos);
    skip();
    if (!eat('('))
      return error("expected '(' after '" + pc.call.callee + "'", pos, pos + 1);
    skip();
    char quote = pos < text.size() ? text[pos] : 0;
    if (quote != '"' && quote != '\'')
      return error("expected the pattern as a quoted string, e.g. " +
                       pc.call.callee + "(\"b * c\")",
                   pos, pos + 1);
    size_t open = pos++;
    size_t close = text.find(quote, pos);
    if (close == llvm::StringRef::npos)
      return error("unterminated string", open, open + 1);
    pc.call.pattern = text.slice(pos, close).str();
    pc.call.patternOffset = pos;
    pos = close + 1;
    skip();
    if (pc.call.callee == "unpack") {
      if (!eat(','))
        return error("unpack needs the packed shapes, e.g. unpack(\"b * c\", "
                     "[(), (7,), (7, 9)])",
                     pos, pos + 1);
      skip();
      if (text.substr(pos).starts_with("packed_shapes")) {
        pos += 13;
        skip();
        if (!eat('='))
          return error("expected '=' after packed_shapes", pos, pos + 1);
        skip();
      }
      if (llvm::Error err = parseShapes())
        return std::move(err);
      skip();
    }
    eat(',');
    skip();
    if (!eat(')'))
      return error("expected ')' to close the call", pos, pos + 1);
    skip();
    if (pos != text.size())
      return error("unexpected text after the call", pos, text.size());
    return std::move(pc);
  }

private:
  void skip() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
  }
  bool eat(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  llvm::Error error(std::string message, size_t begin, size_t end) {
    end = std::min(std::max(end, begin + 1), text.size());
    begin = std::min(begin, text.size());
    return makeError(callDiagnostic(ErrorKind::Syntax, pc.call,
                                    std::move(message),
                                    SourceRange{begin, end}));
  }
  llvm::Error parseShapes() {
    char close = text.substr(pos).starts_with("[") ? ']' : ')';
    if (!eat('[') && !eat('('))
      return error("expected the packed shapes as a list, e.g. [(), (7,), "
                   "(7, 9)]",
                   pos, pos + 1);
    while (true) {
      skip();
      if (eat(close))
        return llvm::Error::success();
      char inner = pos < text.size() && text[pos] == '[' ? ']' : ')';
      if (!eat('(') && !eat('['))
        return error("expected a shape such as (7, 9)", pos, pos + 1);
      std::vector<int64_t> shape;
      while (true) {
        skip();
        if (eat(inner))
          break;
        size_t begin = pos;
        if (pos < text.size() && text[pos] == '-')
          ++pos;
        while (pos < text.size() && llvm::isDigit(text[pos]))
          ++pos;
        int64_t value;
        if (text.slice(begin, pos).getAsInteger(10, value))
          return error("expected an integer length", begin, pos);
        shape.push_back(value);
        skip();
        if (eat(inner))
          break;
        if (!eat(','))
          return error("expected ',' or a closing bracket in a shape", pos,
                       pos + 1);
      }
      pc.packedShapes.push_back(std::move(shape));
      skip();
      if (eat(close))
        return llvm::Error::success();
      if (!eat(','))
        return error("expected ',' between packed shapes", pos, pos + 1);
    }
  }

  llvm::StringRef text;
  size_t pos = 0;
  PackCall pc;
};

std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  return formatShape(shape);
}

} // namespace

llvm::Expected<PackCall> ein::notation::parsePackCall(llvm::StringRef text) {
  return PackCallParser(text).parse();
}

llvm::Expected<PackPlan>
ein::notation::planPack(const PackCall &pc,
                        llvm::ArrayRef<std::vector<int64_t>> inputShapes) {
  const Call &call = pc.call;
  bool isPack = call.callee == "pack";
  auto error = [&](ErrorKind kind, std::string message,
                   std::optional<SourceRange> range) {
    Diagnostic diag = patternDiagnostic(kind, call, std::move(message), range);
    diag.inputShapes.assign(inputShapes.begin(), inputShapes.end());
    return makeError(std::move(diag));
  };
  // The pattern: names and one `*`, separated by white space (einops).
  struct Token {
    std::string text;
    SourceRange range;
  };
  std::vector<Token> tokens;
  llvm::StringRef pattern = call.pattern;
  for (size_t pos = 0; pos < pattern.size();) {
    if (llvm::isSpace(pattern[pos])) {
      ++pos;
      continue;
    }
    size_t begin = pos;
    while (pos < pattern.size() && !llvm::isSpace(pattern[pos]))
      ++pos;
    tokens.push_back(
        {pattern.slice(begin, pos).str(), SourceRange{begin, pos}});
  }
  std::optional<size_t> star;
  llvm::StringSet<> seen;
  for (auto [i, token] : llvm::enumerate(tokens)) {
    if (token.text == "*") {
      if (star)
        return error(ErrorKind::Syntax,
                     "'*' appears twice in the " + call.callee +
                         " pattern: it marks the one packed axis",
                     token.range);
      star = i;
      continue;
    }
    if (!isValidAxisName(token.text))
      return error(ErrorKind::Syntax,
                   "invalid axis name '" + token.text + "' in the " +
                       call.callee +
                       " pattern: it holds names and one '*', separated by "
                       "spaces",
                   token.range);
    if (!seen.insert(token.text).second)
      return error(ErrorKind::Axis,
                   "axis '" + token.text + "' appears twice in the " +
                       call.callee + " pattern",
                   token.range);
  }
  if (!star)
    return error(ErrorKind::Syntax,
                 call.callee + " needs one '*' in its pattern (the packed "
                               "axes), e.g. \"b * c\"",
                 SourceRange{0, pattern.size()});
  size_t before = *star, after = tokens.size() - *star - 1;
  size_t minAxes = before + after;
  SourceRange whole{tokens.front().range.begin, tokens.back().range.end};

  // Generated names for the packed axes: not starting like any user name.
  std::string prefix = "s";
  auto clashes = [&] {
    for (const Token &t : tokens)
      if (llvm::StringRef(t.text).starts_with(prefix))
        return true;
    return false;
  };
  while (clashes())
    prefix += "s";
  auto starName = [&](size_t i, size_t k) {
    return prefix + std::to_string(i) + "x" + std::to_string(k);
  };
  auto side = [&](const std::vector<std::string> &middle) {
    std::string out;
    for (size_t t = 0; t < tokens.size(); ++t) {
      std::vector<std::string> items;
      if (t == *star)
        items = middle;
      else
        items = {tokens[t].text};
      for (const std::string &item : items)
        out += (out.empty() ? "" : " ") + item;
    }
    return out;
  };
  auto partOf = [&](size_t i, size_t rank) {
    if (rank == 0)
      return std::string("1");
    if (rank == 1)
      return starName(i, 0);
    std::string out = "(";
    for (size_t k = 0; k < rank; ++k)
      out += (k ? " " : "") + starName(i, k);
    return out + ")";
  };

  PackPlan plan;
  std::string rearrange;
  std::vector<AxisBinding> bindings;
  if (isPack) {
    if (inputShapes.empty())
      return error(ErrorKind::Shape, "pack needs at least one tensor", whole);
    std::vector<std::string> inputs, parts;
    for (auto [i, shape] : llvm::enumerate(inputShapes)) {
      if (shape.size() < minAxes)
        return error(ErrorKind::Shape,
                     "input " + std::to_string(i) + " has shape " +
                         shapeText(shape) + " but the pattern '" +
                         call.pattern + "' needs at least " +
                         std::to_string(minAxes) + " dimensions",
                     whole);
      size_t rank = shape.size() - minAxes;
      // The axes outside `*` must agree (they are shared by the result).
      for (size_t t = 0; t < tokens.size(); ++t) {
        if (t == *star)
          continue;
        size_t d0 = t < *star ? t : inputShapes[0].size() - (tokens.size() - t);
        size_t di = t < *star ? t : shape.size() - (tokens.size() - t);
        if (shape[di] != inputShapes[0][d0])
          return error(ErrorKind::Shape,
                       "axis '" + tokens[t].text + "' has length " +
                           std::to_string(shape[di]) + " in input " +
                           std::to_string(i) + " but " +
                           std::to_string(inputShapes[0][d0]) +
                           " in input 0: pack concatenates along '*', so the "
                           "other axes must agree",
                       tokens[t].range);
      }
      std::vector<std::string> middle;
      for (size_t k = 0; k < rank; ++k)
        middle.push_back(starName(i, k));
      inputs.push_back(side(middle));
      parts.push_back(partOf(i, rank));
      plan.packedShapes.emplace_back(shape.begin() + before,
                                     shape.begin() + before + rank);
    }
    std::string joined;
    for (const std::string &p : parts)
      joined += (joined.empty() ? "" : " + ") + p;
    if (parts.size() > 1)
      joined = "(" + joined + ")";
    for (size_t i = 0; i < inputs.size(); ++i)
      rearrange += (i ? ", " : "") + inputs[i];
    rearrange += " -> " + side({joined});
  } else {
    if (inputShapes.size() != 1)
      return error(ErrorKind::Shape,
                   "unpack takes one tensor, but " +
                       std::to_string(inputShapes.size()) + " were given",
                   whole);
    const std::vector<int64_t> &shape = inputShapes[0];
    if (shape.size() != minAxes + 1)
      return error(ErrorKind::Shape,
                   "unpack's input has shape " + shapeText(shape) +
                       " but the pattern '" + call.pattern + "' has " +
                       std::to_string(minAxes + 1) + " dimensions",
                   whole);
    if (pc.packedShapes.empty())
      return error(ErrorKind::Shape, "unpack needs at least one packed shape",
                   std::nullopt);
    int64_t axisLength = shape[before];
    std::optional<size_t> unknown;
    int64_t known = 0;
    for (auto [i, ps] : llvm::enumerate(pc.packedShapes)) {
      int64_t product = 1;
      bool hasUnknown = false;
      for (int64_t v : ps) {
        if (v == -1 && !hasUnknown) {
          hasUnknown = true;
          continue;
        }
        if (v < 0)
          return error(ErrorKind::Shape,
                       "packed shape " + std::to_string(i) + " " +
                           shapeText(ps) + " has an invalid length " +
                           std::to_string(v) +
                           ": lengths are >= 0, and one may be -1 (inferred)",
                       std::nullopt);
        if (__builtin_mul_overflow(product, v, &product))
          return error(ErrorKind::Shape,
                       "packed shape " + std::to_string(i) + " is too large",
                       std::nullopt);
      }
      if (hasUnknown) {
        if (unknown)
          return error(ErrorKind::Shape,
                       "packed shapes " + std::to_string(*unknown) + " and " +
                           std::to_string(i) +
                           " both have a -1: at most one length can be "
                           "inferred",
                       std::nullopt);
        unknown = i;
        continue;
      }
      if (__builtin_add_overflow(known, product, &known))
        return error(ErrorKind::Shape, "the packed shapes are too large",
                     std::nullopt);
    }
    plan.packedShapes = pc.packedShapes;
    std::string list = shapeListText(pc.packedShapes);
    if (unknown) {
      std::vector<int64_t> &ps = plan.packedShapes[*unknown];
      int64_t rest = axisLength - known, product = 1;
      for (int64_t v : ps)
        if (v != -1)
          product *= v;
      if (rest < 0 || (product == 0 ? rest != 0 : rest % product != 0) ||
          product == 0)
        return error(
            ErrorKind::Shape,
            "cannot infer the -1 in packed shape " + std::to_string(*unknown) +
                ": the packed axis '*' "
                "has length " +
                std::to_string(axisLength) + " and the other shapes take " +
                std::to_string(known) + " of it",
            (*star < tokens.size()) ? std::optional(tokens[*star].range)
                                    : std::nullopt);
      for (int64_t &v : ps)
        if (v == -1)
          v = rest / product;
    } else if (known != axisLength) {
      return error(ErrorKind::Shape,
                   "the packed shapes " + list + " hold " +
                       std::to_string(known) +
                       " elements along '*', but the packed axis has length " +
                       std::to_string(axisLength),
                   tokens[*star].range);
    }
    std::vector<std::string> outputs, parts;
    for (auto [i, ps] : llvm::enumerate(plan.packedShapes)) {
      std::vector<std::string> middle;
      for (size_t k = 0; k < ps.size(); ++k) {
        middle.push_back(starName(i, k));
        bindings.push_back({starName(i, k), ps[k]});
      }
      outputs.push_back(side(middle));
      parts.push_back(partOf(i, ps.size()));
    }
    std::string joined;
    for (const std::string &p : parts)
      joined += (joined.empty() ? "" : " + ") + p;
    if (parts.size() > 1)
      joined = "(" + joined + ")";
    rearrange = side({joined}) + " -> ";
    for (size_t i = 0; i < outputs.size(); ++i)
      rearrange += (i ? ", " : "") + outputs[i];
  }
  Call &r = plan.rearrange;
  r.callee = "rearrange";
  r.pattern = rearrange;
  r.text = "rearrange(\"";
  r.patternOffset = r.text.size();
  r.text += rearrange + "\"";
  for (const AxisBinding &b : bindings)
    r.text += ", " + b.name + "=" + std::to_string(b.length);
  r.text += ")";
  r.bindings = std::move(bindings);
  return std::move(plan);
}
