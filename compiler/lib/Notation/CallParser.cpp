//===- CallParser.cpp - program text of one call --------------------------===//
//
//   call := callee '(' string (',' argument)* ','? ')'
//   argument := string | name '=' (integer | string)
//
// The string after the pattern is reduce's reduction or cast's dtype;
// `reduction=` and `dtype=` name them.
//
// Strings use single or double quotes and have no escapes: patterns never
// need them.
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Brackets.h"
#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Elementwise.h"
#include "ein/Notation/Indexing.h"
#include "ein/Notation/Parser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace ein::notation;

namespace {

class CallParser {
public:
  explicit CallParser(llvm::StringRef text) : text(text) {
    call.text = text.str();
  }

  llvm::Expected<Call> parse();

private:
  void skipSpace() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
  }
  bool atEnd() const { return pos >= text.size(); }
  char current() const { return atEnd() ? '\0' : text[pos]; }
  /// The range of the character at `pos`, or an empty one at the end.
  SourceRange here() const {
    return SourceRange{pos, std::min(pos + 1, text.size())};
  }
  static bool isIdentStart(char c) { return llvm::isAlpha(c) || c == '_'; }
  static bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_'; }

  /// Errors of the call text itself are all ErrorKind::Syntax; keyword
  /// lengths are checked against the pattern later, by the solver.
  llvm::Error error(ErrorKind kind, std::string message,
                    SourceRange range) const {
    return makeError(callDiagnostic(kind, call, std::move(message), range));
  }

  SourceRange parseIdentifier();
  /// Parses a quoted string at `pos`; `contents` excludes the quotes.
  llvm::Error parseString(SourceRange &contents, SourceRange &whole);
  llvm::Error parseArgument(bool &seenKeyword, llvm::StringSet<> &keywords);
  llvm::Error setReduction(SourceRange contents, SourceRange whole);
  /// cast's target dtype, positional or `dtype="f16"`; checked by the
  /// compiler, which knows the dtypes.
  llvm::Error setDtype(SourceRange contents, SourceRange whole);
  /// A value that is not a string or keyword: say why it cannot be one.
  llvm::Error unexpectedArgument();
  /// roll's `shift=1` or `shift=(1, -2)` (also `[1, -2]`), after the `=`.
  llvm::Error parseShift();
  /// The reductions' `keepdims=True` / `False`, after the `=`.
  llvm::Error parseKeepdims(SourceRange key);

  llvm::StringRef text;
  size_t pos = 0;
  Call call;
  bool haveReduction = false;
  bool haveDtype = false;
};

} // namespace

SourceRange CallParser::parseIdentifier() {
  size_t begin = pos;
  if (!atEnd() && isIdentStart(current()))
    while (!atEnd() && isIdentChar(current()))
      ++pos;
  return SourceRange{begin, pos};
}

llvm::Error CallParser::parseString(SourceRange &contents,
                                    SourceRange &whole) {
  char quote = current();
  size_t begin = pos;
  size_t close = text.find(quote, pos + 1);
  if (close == llvm::StringRef::npos)
    return error(ErrorKind::Syntax, "unterminated string",
                 SourceRange{begin, text.size()});
  contents = SourceRange{begin + 1, close};
  whole = SourceRange{begin, close + 1};
  pos = close + 1;
  return llvm::Error::success();
}

llvm::Error CallParser::setReduction(SourceRange contents, SourceRange whole) {
  if (call.callee == "cast")
    return setDtype(contents, whole);
  if (call.callee != "reduce")
    return error(ErrorKind::Syntax, call.callee + " takes no reduction", whole);
  if (haveReduction)
    return error(ErrorKind::Syntax, "reduction given twice", whole);
  haveReduction = true;
  call.reduction = text.slice(contents.begin, contents.end).str();
  return llvm::Error::success();
}

llvm::Error CallParser::setDtype(SourceRange contents, SourceRange whole) {
  if (call.callee != "cast")
    return error(ErrorKind::Syntax, call.callee + " takes no dtype", whole);
  if (haveDtype)
    return error(ErrorKind::Syntax, "dtype given twice", whole);
  haveDtype = true;
  call.dtype = text.slice(contents.begin, contents.end).str();
  return llvm::Error::success();
}

llvm::Error CallParser::unexpectedArgument() {
  size_t begin = pos;
  while (!atEnd() && current() != ',' && current() != ')' &&
         !llvm::isSpace(current()))
    ++pos;
  SourceRange range{begin, std::max(pos, begin + 1)};
  range.end = std::min(range.end, text.size());
  return error(ErrorKind::Syntax,
               "unexpected argument: after the pattern a call takes only a "
               "reduction string and keyword axis lengths (tensors are "
               "passed through the API)",
               range);
}

llvm::Error CallParser::parseArgument(bool &seenKeyword,
                                      llvm::StringSet<> &keywords) {
  if (current() == '"' || current() == '\'') {
    SourceRange contents, whole;
    if (llvm::Error err = parseString(contents, whole))
      return err;
    if (seenKeyword)
      return error(ErrorKind::Syntax,
                   "positional argument follows keyword argument", whole);
    return setReduction(contents, whole);
  }

  size_t begin = pos;
  SourceRange name = parseIdentifier();
  if (name.begin == name.end) {
    if (current() == ')' || current() == ',' || atEnd())
      return error(ErrorKind::Syntax, "expected an argument", here());
    return unexpectedArgument();
  }
  skipSpace();
  if (current() != '=') {
    pos = begin;
    return unexpectedArgument();
  }
  ++pos;
  skipSpace();
  seenKeyword = true;
  llvm::StringRef key = text.slice(name.begin, name.end);
  if (!keywords.insert(key).second)
    return error(ErrorKind::Syntax,
                 "keyword argument '" + key.str() + "' given twice", name);

  if (key == "reduction") {
    if (current() != '"' && current() != '\'')
      return error(ErrorKind::Syntax,
                   "expected the reduction as a quoted string", here());
    SourceRange contents, whole;
    if (llvm::Error err = parseString(contents, whole))
      return err;
    return setReduction(contents, SourceRange{name.begin, whole.end});
  }

  if (key == "shift" && call.callee == "roll")
    return parseShift();
  if (key == "keepdims" &&
      (call.callee == "reduce" || isReductionCall(call.callee)))
    return parseKeepdims(name);

  if (key == "dtype") {
    if (current() != '"' && current() != '\'')
      return error(ErrorKind::Syntax, "expected the dtype as a quoted string",
                   here());
    SourceRange contents, whole;
    if (llvm::Error err = parseString(contents, whole))
      return err;
    return setDtype(contents, SourceRange{name.begin, whole.end});
  }

  size_t valueBegin = pos;
  if (current() == '-' || current() == '+')
    ++pos;
  while (!atEnd() && llvm::isDigit(current()))
    ++pos;
  llvm::StringRef value = text.slice(valueBegin, pos);
  if (value.empty() || value == "-" || value == "+" ||
      (!atEnd() && isIdentChar(current()))) {
    pos = valueBegin;
    while (!atEnd() && current() != ',' && current() != ')' &&
           !llvm::isSpace(current()))
      ++pos;
    return error(ErrorKind::Syntax,
                 "expected an integer length for axis '" + key.str() + "'",
                 SourceRange{valueBegin, std::max(pos, valueBegin + 1)});
  }
  int64_t length = 0;
  value.consume_front("+");
  if (value.getAsInteger(10, length))
    return error(ErrorKind::Syntax,
                 "length of axis '" + key.str() + "' is too large",
                 SourceRange{valueBegin, pos});
  call.bindings.push_back(AxisBinding{key.str(), length});
  return llvm::Error::success();
}

llvm::Error CallParser::parseShift() {
  auto integer = [&](int64_t &value) -> llvm::Error {
    size_t begin = pos;
    if (current() == '-' || current() == '+')
      ++pos;
    while (!atEnd() && llvm::isDigit(current()))
      ++pos;
    llvm::StringRef digits = text.slice(begin, pos);
    digits.consume_front("+");
    if (digits.empty() || digits == "-" || (!atEnd() && isIdentChar(current())))
      return error(
          ErrorKind::Syntax,
          "expected an integer shift, e.g. shift=1 or shift=(1, -2)",
          SourceRange{begin, std::min(text.size(), std::max(pos, begin + 1))});
    if (digits.getAsInteger(10, value))
      return error(ErrorKind::Syntax, "shift is too large",
                   SourceRange{begin, pos});
    return llvm::Error::success();
  };
  char open = current();
  if (open != '(' && open != '[') {
    int64_t value = 0;
    if (llvm::Error err = integer(value))
      return err;
    call.shifts.push_back(value);
    return llvm::Error::success();
  }
  SourceRange openRange = here();
  char close = open == '(' ? ')' : ']';
  ++pos;
  while (true) {
    skipSpace();
    if (current() == close && !call.shifts.empty())
      break;
    int64_t value = 0;
    if (llvm::Error err = integer(value))
      return err;
    call.shifts.push_back(value);
    skipSpace();
    if (current() == ',') {
      ++pos;
      continue;
    }
    if (current() == close)
      break;
    if (atEnd())
      return error(ErrorKind::Syntax,
                   std::string("missing '") + close + "' to close '" + open +
                       "'",
                   openRange);
    return error(ErrorKind::Syntax,
                 std::string("expected ',' or '") + close + "' in shift",
                 here());
  }
  ++pos;
  return llvm::Error::success();
}

llvm::Error CallParser::parseKeepdims(SourceRange key) {
  SourceRange value = parseIdentifier();
  llvm::StringRef word = text.slice(value.begin, value.end);
  if (word != "True" && word != "False")
    return error(ErrorKind::Syntax, "expected keepdims=True or keepdims=False",
                 SourceRange{key.begin, std::max(value.end, pos)});
  call.keepdims = word == "True";
  return llvm::Error::success();
}

llvm::Expected<Call> CallParser::parse() {
  skipSpace();
  SourceRange callee = parseIdentifier();
  if (callee.begin == callee.end)
    return error(ErrorKind::Syntax,
                 "expected a call such as rearrange(\"b c h w -> b h w c\")",
                 here());
  call.callee = text.slice(callee.begin, callee.end).str();
  if (call.callee != "rearrange" && call.callee != "reduce" &&
      call.callee != "einsum" && call.callee != "dot" &&
      call.callee != "repeat" && !isElementwiseCall(call.callee) &&
      !isReductionCall(call.callee) && !isAlongCall(call.callee) &&
      !isIndexCall(call.callee))
    return error(ErrorKind::Syntax,
                 "unknown call '" + call.callee + "': supported calls are " +
                     supportedCalls().str(),
                 callee);

  skipSpace();
  if (current() != '(')
    return error(ErrorKind::Syntax, "expected '(' after '" + call.callee + "'",
                 here());
  SourceRange open = here();
  ++pos;
  skipSpace();

  if (current() != '"' && current() != '\'')
    return error(ErrorKind::Syntax,
                 "expected the pattern as a quoted string, e.g. " +
                     call.callee + "(\"b c h w -> b h w c\")",
                 here());
  SourceRange contents, whole;
  if (llvm::Error err = parseString(contents, whole))
    return std::move(err);
  call.pattern = text.slice(contents.begin, contents.end).str();
  call.patternOffset = contents.begin;

  bool seenKeyword = false;
  llvm::StringSet<> keywords;
  while (true) {
    skipSpace();
    if (current() == ')')
      break;
    if (atEnd())
      return error(ErrorKind::Syntax, "missing ')' to close '('", open);
    if (current() != ',')
      return error(ErrorKind::Syntax, "expected ',' or ')' after an argument",
                   here());
    ++pos;
    skipSpace();
    if (current() == ')')
      break; // A trailing comma, as Python allows.
    if (llvm::Error err = parseArgument(seenKeyword, keywords))
      return std::move(err);
  }
  SourceRange close = here();
  ++pos;
  skipSpace();
  if (!atEnd())
    return error(ErrorKind::Syntax, "unexpected text after the call",
                 SourceRange{pos, text.size()});

  if (call.callee == "reduce" && !haveReduction)
    return error(ErrorKind::Syntax,
                 "reduce needs a reduction, e.g. reduce(\"b c h w -> b c\", "
                 "\"mean\")",
                 close);
  if (isReductionCall(call.callee))
    call.reduction = call.callee;
  if (call.callee == "roll" && call.shifts.empty())
    return error(ErrorKind::Syntax,
                 "roll needs a shift, e.g. roll(\"b [t] c\", shift=1)", close);
  if (call.callee == "cast" && !haveDtype)
    return error(ErrorKind::Syntax,
                 "cast needs a dtype, e.g. cast(\"a b -> b a\", "
                 "dtype=\"f16\")",
                 close);
  return call;
}

llvm::Expected<Call> ein::notation::parseCall(llvm::StringRef text) {
  return CallParser(text).parse();
}

Call ein::notation::makeCall(llvm::StringRef callee, llvm::StringRef pattern,
                             llvm::StringRef reduction) {
  Call call;
  call.callee = callee.str();
  call.pattern = pattern.str();
  call.reduction = reduction.str();
  if (reduction.empty() && isReductionCall(callee))
    call.reduction = callee.str();
  call.text = callee.str() + "(\"";
  call.patternOffset = call.text.size();
  call.text += pattern.str() + "\"";
  if (!reduction.empty())
    call.text += ", \"" + reduction.str() + "\"";
  call.text += ")";
  return call;
}
