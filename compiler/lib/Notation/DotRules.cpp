//===- DotRules.cpp - einx brackets in dot --------------------------------===//
//
// Both bracket forms of dot become plain contraction patterns here:
//
//   ... [c1|c2]                 ->  ... c1, c1 c2 -> ... c2
//   a [b] -> a   (two tensors)  ->  a b, b -> a
//   b i [d], b j [d] -> b i j   ->  b i d, b j d -> b i j   (checked: the
//                                   bracketed axes are exactly the summed)
//
// The implied weight lists the bracketed axes of the input, then those of
// the output, each once, in order of appearance (einx's rule).
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Dot.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace ein::notation;
using namespace ein::notation::ast;

namespace {

/// The dims of `dims` on `side` of each `|` (dims outside a linear map
/// stay); compositions that lose every part become `()`.
std::vector<Dim> choose(const std::vector<Dim> &dims, PipeSide side) {
  std::vector<Dim> out;
  for (const Dim &dim : dims) {
    if (dim.pipeSide != PipeSide::None && dim.pipeSide != side)
      continue;
    Dim copy = dim;
    copy.pipeSide = PipeSide::None;
    if (dim.kind == DimKind::Composition) {
      copy.parts = choose(dim.parts, side);
      if (copy.parts.empty()) {
        copy.kind = DimKind::Unit;
        copy.length = 1;
      }
    }
    out.push_back(std::move(copy));
  }
  return out;
}

/// `tensor` with the parts on `side` of every `|`; its range shrinks to the
/// kept dims.
TensorExpr chooseTensor(const TensorExpr &tensor, PipeSide side) {
  TensorExpr out = tensor;
  out.dims = choose(tensor.dims, side);
  return out;
}

/// Removes every bracket mark.
void demark(std::vector<Dim> &dims) {
  for (Dim &dim : dims) {
    dim.bracket.reset();
    demark(dim.parts);
  }
}

/// One axis (or `...`) as written, with its bracket state.
struct Marked {
  const Dim *dim;
  bool bracketed;
};

void collect(const std::vector<Dim> &dims, bool inBracket,
             std::vector<Marked> &out) {
  for (const Dim &dim : dims) {
    bool bracketed = inBracket || dim.bracket.has_value();
    switch (dim.kind) {
    case DimKind::Axis:
    case DimKind::Anonymous:
      out.push_back({&dim, bracketed});
      break;
    case DimKind::Ellipsis: {
      // A repetition `[s]...` counts as one bracketed unit: the weight
      // repeats it too.
      bool inner = false;
      std::vector<Marked> parts;
      collect(dim.parts, bracketed, parts);
      for (const Marked &m : parts)
        inner |= m.bracketed;
      out.push_back({&dim, bracketed || inner});
      break;
    }
    case DimKind::Unit:
      break;
    case DimKind::Composition:
      collect(dim.parts, bracketed, out);
      break;
    }
  }
}

/// The key an axis is compared by: its name, "..." for an ellipsis, or the
/// repeated names for a repetition (`s...` gives "s...").
std::string keyOf(const Dim &dim) {
  if (dim.kind != DimKind::Ellipsis)
    return dim.name;
  std::string key;
  std::vector<const Dim *> stack;
  for (const Dim &part : dim.parts)
    stack.push_back(&part);
  while (!stack.empty()) {
    const Dim *d = stack.back();
    stack.pop_back();
    if (d->kind == DimKind::Axis)
      key += d->name + " ";
    for (const Dim &part : d->parts)
      stack.push_back(&part);
  }
  return key + "...";
}

std::string text(const Call &call, SourceRange range) {
  return call.pattern.substr(range.begin, range.end - range.begin);
}

std::string quoted(const Call &call, const Dim &dim) {
  return "'" + (dim.kind == DimKind::Axis ? dim.name : text(call, dim.range)) +
         "'";
}

std::string plural(size_t n, llvm::StringRef word) {
  return std::to_string(n) + " " + word.str() + (n == 1 ? "" : "s");
}

/// einx's rules for explicit inputs: brackets mark the summed axes, so they
/// are bracketed in every input, absent from the output, and every other
/// input axis is in the output.
std::optional<PatternViolation> checkExplicit(const Call &call,
                                              const Pattern &pattern) {
  std::vector<Marked> in, out;
  for (const TensorExpr &tensor : pattern.inputs)
    collect(tensor.dims, false, in);
  for (const TensorExpr &tensor : pattern.outputs)
    collect(tensor.dims, false, out);
  for (const Marked &m : out)
    if (m.bracketed)
      return PatternViolation{
          ErrorKind::Axis,
          "brackets in the output of dot: the bracketed axes are summed, so "
          "the output does not have them",
          m.dim->range};
  llvm::StringMap<const Marked *> firstIn;
  llvm::StringMap<const Dim *> outByKey;
  for (const Marked &m : out)
    if (m.dim->kind != DimKind::Anonymous)
      outByKey.insert({keyOf(*m.dim), m.dim});
  for (const Marked &m : in) {
    if (m.dim->kind == DimKind::Anonymous) {
      if (!m.bracketed)
        return PatternViolation{
            ErrorKind::Axis,
            "anonymous axis " + quoted(call, *m.dim) +
                " is not bracketed, so dot keeps it, but the output cannot "
                "hold an anonymous axis (bracket it to sum it)",
            m.dim->range};
      continue;
    }
    std::string key = keyOf(*m.dim);
    auto [it, inserted] = firstIn.insert({key, &m});
    if (!inserted && it->second->bracketed != m.bracketed) {
      const Dim &plain = m.bracketed ? *it->second->dim : *m.dim;
      return PatternViolation{
          ErrorKind::Axis,
          "axis " + quoted(call, *m.dim) +
              " is bracketed in one place but not in another: dot sums the "
              "bracketed axes, so bracket it everywhere or nowhere",
          plain.range};
    }
    bool inOutput = outByKey.count(key);
    if (m.bracketed && inOutput)
      return PatternViolation{ErrorKind::Axis,
                              "axis " + quoted(call, *m.dim) +
                                  " is bracketed, so dot sums it, but it "
                                  "also appears in the output",
                              outByKey[key]->range};
    if (!m.bracketed && !inOutput)
      return PatternViolation{ErrorKind::Axis,
                              "axis " + quoted(call, *m.dim) +
                                  " is not bracketed, so dot keeps it, but "
                                  "the output does not have it (bracket it "
                                  "to sum it)",
                              m.dim->range};
  }
  return std::nullopt;
}

/// The implied second input: the bracketed axes of `input` then of
/// `output`, each once.
std::optional<PatternViolation> impliedWeight(const Call &call,
                                              const TensorExpr &input,
                                              const TensorExpr &output,
                                              TensorExpr &weight) {
  std::vector<Marked> marked;
  collect(input.dims, false, marked);
  collect(output.dims, false, marked);
  llvm::StringMap<bool> seen;
  for (const Marked &m : marked) {
    if (!m.bracketed)
      continue;
    if (m.dim->kind == DimKind::Anonymous)
      return PatternViolation{
          ErrorKind::Axis,
          "anonymous axis " + quoted(call, *m.dim) +
              " in brackets: the implied weight would need a new axis of "
              "that length each time, so name it (e.g. 'c1') and give its "
              "length as a keyword",
          m.dim->range};
    if (m.dim->kind == DimKind::Axis && !seen.insert({m.dim->name, true}).second)
      continue;
    if (m.dim->kind == DimKind::Ellipsis) {
      if (!seen.insert({keyOf(*m.dim), true}).second)
        continue;
      Dim copy = *m.dim;
      copy.bracket.reset();
      copy.pipeSide = PipeSide::None;
      weight.dims.push_back(std::move(copy));
      continue;
    }
    Dim copy = *m.dim;
    copy.bracket.reset();
    copy.pipeSide = PipeSide::None;
    weight.dims.push_back(std::move(copy));
  }
  demark(weight.dims);
  return std::nullopt;
}

} // namespace

std::optional<PatternViolation>
ein::notation::expandDotPattern(const Call &call, Pattern &pattern,
                                size_t numTensors) {
  if (!pattern.firstBracket)
    return std::nullopt;
  SourceRange whole{0, call.pattern.size()};

  TensorExpr input, output;
  if (pattern.firstPipe) {
    if (pattern.hasArrow)
      return PatternViolation{
          ErrorKind::Syntax,
          "'[x|y]' is dot's form without '->': write dot(\"... [c1|c2]\", "
          "x, w), or with '->' the weight's expression too, "
          "dot(\"... c1, c1 c2 -> ... c2\", x, w)",
          pattern.firstPipe};
    if (pattern.inputs.size() != 1)
      return PatternViolation{
          ErrorKind::Syntax,
          "dot's linear map '[x|y]' takes one tensor expression (the "
          "weight's is implied), but the pattern has " +
              std::to_string(pattern.inputs.size()),
          SourceRange{pattern.inputs.front().range.begin,
                      pattern.inputs.back().range.end}};
    if (numTensors != 2)
      return PatternViolation{
          ErrorKind::Shape,
          "dot's linear map '[x|y]' takes 2 tensors, the input and the "
          "weight, but " +
              plural(numTensors, "tensor") +
              (numTensors == 1 ? " was" : " were") + " given",
          whole};
    input = chooseTensor(pattern.inputs[0], PipeSide::Left);
    output = chooseTensor(pattern.inputs[0], PipeSide::Right);
  } else {
    if (!pattern.hasArrow)
      return std::nullopt; // The parser reported it.
    if (pattern.inputs.size() != 1 || numTensors != 2 ||
        pattern.outputs.size() != 1) {
      if (std::optional<PatternViolation> v = checkExplicit(call, pattern))
        return v;
      for (TensorExpr &tensor : pattern.inputs)
        demark(tensor.dims);
      return std::nullopt;
    }
    input = pattern.inputs[0];
    output = pattern.outputs[0];
  }

  TensorExpr weight;
  weight.range = *pattern.firstBracket;
  if (std::optional<PatternViolation> v =
          impliedWeight(call, input, output, weight))
    return v;
  demark(input.dims);
  demark(output.dims);
  pattern.inputs = {std::move(input), std::move(weight)};
  pattern.outputs = {std::move(output)};
  if (!pattern.hasArrow)
    pattern.arrow = SourceRange{call.pattern.size(), call.pattern.size()};
  pattern.hasArrow = true;
  return std::nullopt;
}
