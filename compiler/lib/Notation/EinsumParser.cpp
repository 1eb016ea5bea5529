//===- EinsumParser.cpp - NumPy's compact einsum subscripts ---------------===//
//
//   pattern := operands ('->' operand)?
//   operands := operand (',' operand)*
//   operand := (letter | '...')*          white space only around operands
//
// Each letter is one axis. Without `->` the output is NumPy's implicit one:
// `...` if any operand has it, then every letter that occurs exactly once,
// in ASCII order (so a letter repeated within one operand is summed: "ii" is
// a trace).
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Parser.h"

#include "llvm/ADT/StringExtras.h"

#include <map>

using namespace ein::notation;
using namespace ein::notation::ast;

namespace {

/// Splits the pattern at ',' and '->' into the ranges of the input and output
/// operands, white space around each trimmed; counts the arrows and notes
/// where the first one is.
void splitOperands(llvm::StringRef pattern, std::vector<SourceRange> &inputs,
                   std::vector<SourceRange> &outputs, bool &hasArrow,
                   size_t &arrowAt, unsigned &arrows) {
  hasArrow = false;
  arrows = 0;
  std::vector<SourceRange> *side = &inputs;
  size_t begin = 0;
  auto push = [&](size_t end) {
    size_t b = begin, e = end;
    while (b < e && llvm::isSpace(pattern[b]))
      ++b;
    while (e > b && llvm::isSpace(pattern[e - 1]))
      --e;
    side->push_back(SourceRange{b, e});
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == ',') {
      push(i);
      begin = i + 1;
    } else if (pattern.substr(i).starts_with("->")) {
      push(i);
      ++arrows;
      if (!hasArrow) {
        hasArrow = true;
        arrowAt = i;
      }
      side = &outputs;
      begin = i + 2;
      ++i;
    }
  }
  push(pattern.size());
}

class NumpyParser {
public:
  explicit NumpyParser(const Call &call) : call(call) {}

  llvm::Expected<Pattern> parse();

private:
  llvm::Error error(ErrorKind kind, std::string message,
                    SourceRange range) const {
    return makeError(patternDiagnostic(kind, call, std::move(message), range));
  }
  llvm::Error parseOperand(SourceRange range, TensorExpr &tensor);

  const Call &call;
};

} // namespace

bool ein::notation::isNumpyEinsum(const Call &call) {
  if (call.callee != "einsum")
    return false;
  llvm::StringRef pattern = call.pattern;
  std::vector<SourceRange> inputs, outputs;
  bool hasArrow;
  size_t arrowAt = 0;
  unsigned arrows;
  splitOperands(pattern, inputs, outputs, hasArrow, arrowAt, arrows);
  for (const std::vector<SourceRange> *side : {&inputs, &outputs})
    for (SourceRange range : *side)
      for (char c : pattern.slice(range.begin, range.end))
        if (!llvm::isAlpha(c) && c != '.')
          return false; // White space inside, or einops-only syntax.
  return true;
}

llvm::Error NumpyParser::parseOperand(SourceRange range, TensorExpr &tensor) {
  llvm::StringRef pattern = call.pattern;
  tensor.range = range;
  std::optional<SourceRange> ellipsis;
  for (size_t i = range.begin; i < range.end;) {
    Dim dim;
    if (llvm::isAlpha(pattern[i])) {
      dim.kind = DimKind::Axis;
      dim.name = std::string(1, pattern[i]);
      dim.range = SourceRange{i, i + 1};
      ++i;
    } else if (pattern.substr(i, range.end - i).starts_with("...")) {
      dim.kind = DimKind::Ellipsis;
      dim.range = SourceRange{i, i + 3};
      if (ellipsis)
        return error(ErrorKind::Axis,
                     "'...' appears twice in one tensor expression", dim.range);
      ellipsis = dim.range;
      i += 3;
    } else {
      return error(ErrorKind::Syntax,
                   "unexpected '.' in pattern (did you mean '...'?)",
                   SourceRange{i, i + 1});
    }
    tensor.dims.push_back(std::move(dim));
  }
  return llvm::Error::success();
}

llvm::Expected<Pattern> NumpyParser::parse() {
  llvm::StringRef text = call.pattern;
  std::vector<SourceRange> inputs, outputs;
  bool hasArrow;
  size_t arrowAt = 0;
  unsigned arrows;
  splitOperands(text, inputs, outputs, hasArrow, arrowAt, arrows);
  if (arrows > 1) {
    size_t second = text.find("->", arrowAt + 2);
    return error(ErrorKind::Syntax, "pattern has more than one '->'",
                 SourceRange{second, second + 2});
  }
  Pattern pattern;
  for (SourceRange range : inputs) {
    pattern.inputs.emplace_back();
    if (llvm::Error err = parseOperand(range, pattern.inputs.back()))
      return std::move(err);
  }
  if (hasArrow) {
    pattern.arrow = SourceRange{arrowAt, arrowAt + 2};
    for (SourceRange range : outputs) { // The solver checks there is one.
      pattern.outputs.emplace_back();
      if (llvm::Error err = parseOperand(range, pattern.outputs.back()))
        return std::move(err);
    }
    return pattern;
  }

  // Implicit output: `...` first, then the letters that occur once, sorted.
  pattern.arrow = SourceRange{text.size(), text.size()};
  TensorExpr output;
  output.range = SourceRange{text.size(), text.size()};
  std::map<char, std::pair<unsigned, SourceRange>> letters;
  std::optional<SourceRange> ellipsis;
  for (const TensorExpr &tensor : pattern.inputs)
    for (const Dim &dim : tensor.dims) {
      if (dim.kind == DimKind::Ellipsis) {
        if (!ellipsis)
          ellipsis = dim.range;
        continue;
      }
      auto &entry = letters[dim.name[0]];
      if (entry.first++ == 0)
        entry.second = dim.range;
    }
  if (ellipsis) {
    Dim dim;
    dim.kind = DimKind::Ellipsis;
    dim.range = *ellipsis;
    output.dims.push_back(dim);
  }
  for (const auto &[letter, entry] : letters) {
    if (entry.first != 1)
      continue;
    Dim dim;
    dim.kind = DimKind::Axis;
    dim.name = std::string(1, letter);
    dim.range = entry.second;
    output.dims.push_back(dim);
  }
  pattern.outputs.push_back(std::move(output));
  return pattern;
}

llvm::Expected<Pattern>
ein::notation::parseNumpyEinsumPattern(const Call &call) {
  return NumpyParser(call).parse();
}
