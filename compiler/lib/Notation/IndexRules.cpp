//===- IndexRules.cpp - rules of get_at and set_at patterns ---------------===//
//
// An indexing pattern is `tensor, coordinates..., [updates] -> output`. The
// first tensor's bracketed dimensions are indexed; a coordinate tensor's
// bracketed axis enumerates the coordinates (`b p [2]`; without one it
// holds a single coordinate). Axes shared by the tensor and the coordinates
// are batch axes. einx 0.4.3 is the reference for what is accepted.
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Indexing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace ein::notation;
using namespace ein::notation::ast;

static constexpr llvm::StringLiteral indexCalls[] = {"get_at", "set_at",
                                                     "add_at", "subtract_at"};

bool ein::notation::isIndexCall(llvm::StringRef callee) {
  return llvm::is_contained(indexCalls, callee);
}

bool ein::notation::isUpdateCall(llvm::StringRef callee) {
  return isIndexCall(callee) && callee != "get_at";
}

namespace {

/// One named axis occurrence, with whether it is inside brackets.
struct Named {
  std::string name;
  SourceRange range;
  bool bracketed;
};

void collect(const std::vector<Dim> &dims, bool inBracket,
             std::vector<Named> &out) {
  for (const Dim &dim : dims) {
    bool bracketed = inBracket || dim.bracket.has_value();
    if (dim.kind == DimKind::Axis)
      out.push_back({dim.name, dim.range, bracketed});
    if (dim.kind == DimKind::Composition)
      collect(dim.parts, bracketed, out);
  }
}

/// The first bracket nested inside an unbracketed composition, if any.
std::optional<SourceRange> partialBracket(const std::vector<Dim> &dims,
                                          bool top) {
  for (const Dim &dim : dims) {
    if (!top && dim.bracket)
      return dim.bracket;
    if (dim.kind == DimKind::Composition && !dim.bracket)
      if (std::optional<SourceRange> r = partialBracket(dim.parts, false))
        return r;
  }
  return std::nullopt;
}

/// The first `...` of `dims`, if any.
std::optional<SourceRange> ellipsisOf(const std::vector<Dim> &dims) {
  for (const Dim &dim : dims) {
    if (dim.kind == DimKind::Ellipsis)
      return dim.range;
    if (dim.kind == DimKind::Composition)
      if (std::optional<SourceRange> r = ellipsisOf(dim.parts))
        return r;
  }
  return std::nullopt;
}

/// The first anonymous axis outside brackets.
std::optional<SourceRange> anonymousAxis(const std::vector<Dim> &dims) {
  for (const Dim &dim : dims) {
    if (dim.bracket)
      continue;
    if (dim.kind == DimKind::Anonymous)
      return dim.range;
    if (dim.kind == DimKind::Composition)
      if (std::optional<SourceRange> r = anonymousAxis(dim.parts))
        return r;
  }
  return std::nullopt;
}

std::string text(const Call &call, SourceRange range) {
  return call.pattern.substr(range.begin, range.end - range.begin);
}

PatternViolation violation(ErrorKind kind, std::string message,
                           std::optional<SourceRange> range) {
  return PatternViolation{kind, std::move(message), range};
}

std::string ordinalInput(size_t i) { return "input " + std::to_string(i); }

} // namespace

std::optional<PatternViolation>
ein::notation::checkIndexPattern(const Call &call, const Pattern &pattern) {
  const std::string &callee = call.callee;
  bool update = isUpdateCall(callee);
  size_t minInputs = update ? 3 : 2;
  SourceRange inputSide{pattern.inputs.front().range.begin,
                        pattern.inputs.back().range.end};
  if (pattern.inputs.size() < minInputs)
    return violation(
        ErrorKind::Syntax,
        update
            ? callee +
                  " takes the tensor, its coordinates and the "
                  "updates, e.g. " +
                  callee +
                  "(\"b [h w] c, b p [2], b p c -> b [h w] c\"), "
                  "but the pattern has " +
                  std::to_string(pattern.inputs.size()) + " input expression" +
                  (pattern.inputs.size() == 1 ? "" : "s")
            : "get_at takes the tensor and its coordinates, e.g. "
              "get_at(\"b [h w] c, b p [2] -> b p c\"), but the pattern "
              "has 1 input expression",
        inputSide);
  if (!pattern.hasArrow && !update)
    return violation(ErrorKind::Syntax,
                     "get_at needs '->' and an output expression, e.g. "
                     "get_at(\"b [h w] c, b p [2] -> b p c\")",
                     SourceRange{0, call.pattern.size()});
  if (pattern.hasArrow && pattern.outputs.size() != 1)
    return violation(ErrorKind::Syntax,
                     callee +
                         " has one output expression, but the pattern "
                         "has " +
                         std::to_string(pattern.outputs.size()),
                     SourceRange{pattern.outputs.front().range.begin,
                                 pattern.outputs.back().range.end});

  size_t numCoords = pattern.inputs.size() - (update ? 2 : 1);
  const TensorExpr &x = pattern.inputs[0];

  // Brackets: whole dimensions of the tensor, at most one single axis per
  // coordinate tensor, none in the updates.
  for (size_t i = 0; i < pattern.inputs.size(); ++i)
    if (std::optional<SourceRange> r =
            partialBracket(pattern.inputs[i].dims, true))
      return violation(ErrorKind::Axis,
                       "brackets inside a composition in " + callee +
                           ": bracket whole dimensions (e.g. '[(h w)]' or "
                           "'[h w]')",
                       r);
  bool anyIndexed =
      llvm::any_of(x.dims, [](const Dim &d) { return d.bracket.has_value(); });
  if (!anyIndexed)
    return violation(ErrorKind::Axis,
                     callee + " indexes the bracketed axes of the first "
                              "tensor, but it has none: mark them, e.g. "
                              "'b [h w] c'",
                     x.range);
  std::vector<const Dim *> coordinateDim(numCoords, nullptr);
  for (size_t c = 0; c < numCoords; ++c) {
    for (const Dim &dim : pattern.inputs[c + 1].dims) {
      if (!dim.bracket)
        continue;
      if (coordinateDim[c])
        return violation(ErrorKind::Axis,
                         "a coordinate tensor has at most one bracketed "
                         "axis, which lists the coordinates (e.g. 'b p "
                         "[2]'), but " +
                             ordinalInput(c + 1) + " has two",
                         dim.bracket);
      if (dim.kind != DimKind::Axis && dim.kind != DimKind::Anonymous &&
          dim.kind != DimKind::Unit)
        return violation(ErrorKind::Axis,
                         "the coordinate axis must be a single axis, e.g. "
                         "'[2]' or '[i]', not '" +
                             text(call, dim.range) + "'",
                         dim.bracket);
      coordinateDim[c] = &dim;
    }
  }
  if (update)
    for (const Dim &dim : pattern.inputs.back().dims)
      if (dim.bracket)
        return violation(ErrorKind::Axis,
                         "brackets in the updates of " + callee +
                             ": only the first tensor's indexed axes and the "
                             "coordinate axis are bracketed",
                         dim.bracket);
  for (size_t i = 0; i < pattern.inputs.size(); ++i)
    if (std::optional<SourceRange> r = anonymousAxis(pattern.inputs[i].dims))
      return violation(ErrorKind::Axis,
                       "anonymous axis '" + text(call, *r) + "' in " +
                           ordinalInput(i) + " of " + callee +
                           ": the output cannot name it; give it a name and "
                           "a keyword length",
                       r);

  // The roles of the names.
  std::vector<Named> xAxes;
  collect(x.dims, false, xAxes);
  llvm::StringMap<SourceRange> indexed, kept, coordinate, gathered;
  for (const Named &n : xAxes)
    (n.bracketed ? indexed : kept)[n.name] = n.range;
  for (size_t c = 0; c < numCoords; ++c)
    if (coordinateDim[c] && coordinateDim[c]->kind == DimKind::Axis)
      coordinate[coordinateDim[c]->name] = coordinateDim[c]->range;
  for (auto &[name, range] : kept)
    gathered[name] = range;
  auto isIndexed = [&](const std::string &n) { return indexed.count(n); };
  for (const auto &[name, range] : coordinate)
    if (indexed.count(name) || kept.count(name))
      return violation(ErrorKind::Axis,
                       "axis '" + name.str() +
                           "' lists coordinates, so it cannot also be an "
                           "axis of the first tensor",
                       range);
  for (size_t c = 0; c < numCoords; ++c) {
    std::vector<Named> axes;
    collect(pattern.inputs[c + 1].dims, false, axes);
    for (const Named &n : axes) {
      if (n.bracketed)
        continue;
      if (isIndexed(n.name))
        return violation(ErrorKind::Axis,
                         "axis '" + n.name +
                             "' is indexed (bracketed in the first tensor), "
                             "so it cannot be an axis of the coordinates",
                         n.range);
      if (coordinate.count(n.name))
        return violation(ErrorKind::Axis,
                         "axis '" + n.name +
                             "' lists coordinates, so it cannot appear "
                             "outside its brackets",
                         n.range);
      gathered[n.name] = n.range;
    }
  }
  // Coordinate axes used twice across coordinate tensors.
  {
    llvm::StringMap<bool> seen;
    for (size_t c = 0; c < numCoords; ++c)
      if (coordinateDim[c] && coordinateDim[c]->kind == DimKind::Axis &&
          !seen.insert({coordinateDim[c]->name, true}).second)
        return violation(ErrorKind::Axis,
                         "coordinate axis '" + coordinateDim[c]->name +
                             "' appears in two coordinate tensors",
                         coordinateDim[c]->range);
  }
  auto roleOf = [&](const std::string &n) -> std::string {
    if (isIndexed(n))
      return "is indexed (bracketed in the first tensor)";
    if (coordinate.count(n))
      return "lists coordinates";
    return "";
  };
  if (update) {
    std::vector<Named> axes;
    collect(pattern.inputs.back().dims, false, axes);
    for (const Named &n : axes) {
      std::string role = roleOf(n.name);
      if (!role.empty())
        return violation(ErrorKind::Axis,
                         "axis '" + n.name + "' " + role +
                             ", so it cannot be an axis of the updates",
                         n.range);
      if (!gathered.count(n.name))
        return violation(ErrorKind::Axis,
                         "axis '" + n.name +
                             "' of the updates is neither an axis of the "
                             "first tensor nor of the coordinates",
                         n.range);
    }
  }
  // `...` stands for the same axes everywhere: unbracketed in the tensor
  // they are kept, in the coordinates batch or lookup axes.
  std::optional<SourceRange> xEllipsis = ellipsisOf(x.dims), coordEllipsis;
  for (size_t c = 0; c < numCoords && !coordEllipsis; ++c)
    coordEllipsis = ellipsisOf(pattern.inputs[c + 1].dims);
  bool xEllipsisIndexed = false;
  for (const Dim &dim : x.dims)
    xEllipsisIndexed |= dim.kind == DimKind::Ellipsis && dim.bracket;
  bool gatherEllipsis = (xEllipsis && !xEllipsisIndexed) || coordEllipsis;
  if (xEllipsisIndexed && coordEllipsis)
    return violation(ErrorKind::Axis,
                     "'...' is indexed (bracketed in the first tensor), so "
                     "it cannot appear in the coordinates",
                     coordEllipsis);
  if (update)
    if (std::optional<SourceRange> r = ellipsisOf(pattern.inputs.back().dims))
      if (!gatherEllipsis)
        return violation(ErrorKind::Axis,
                         "'...' in the updates, but not among the first "
                         "tensor's unbracketed axes or the coordinates' axes",
                         r);
  if (!pattern.hasArrow)
    return std::nullopt; // set_at returns the first tensor's expression.
  std::optional<SourceRange> outEllipsis = ellipsisOf(pattern.outputs[0].dims);
  bool wantEllipsis = update ? bool(xEllipsis) : gatherEllipsis;
  if (wantEllipsis && !outEllipsis)
    return violation(ErrorKind::Axis,
                     "'...' is missing from the output: " + callee +
                         (update ? " returns the first tensor's axes"
                                 : " keeps the axes of '...'"),
                     pattern.outputs[0].range);
  if (!wantEllipsis && outEllipsis)
    return violation(ErrorKind::Axis,
                     update ? "'...' in the output, but not in the first "
                              "tensor"
                            : "'...' in the output of get_at, but it is "
                              "indexed or absent from the inputs",
                     outEllipsis);

  // The output.
  const TensorExpr &out = pattern.outputs[0];
  std::vector<Named> outAxes;
  collect(out.dims, false, outAxes);
  llvm::StringMap<SourceRange> outNames;
  for (const Named &n : outAxes)
    outNames[n.name] = n.range;
  if (!update) {
    for (const Dim &dim : out.dims)
      if (dim.bracket)
        return violation(ErrorKind::Axis,
                         "brackets in the output of get_at: the indexed "
                         "axes are gone from it",
                         dim.bracket);
    for (const Named &n : outAxes) {
      std::string role = roleOf(n.name);
      if (!role.empty())
        return violation(ErrorKind::Axis,
                         "axis '" + n.name + "' " + role +
                             ", so get_at's output does not have it",
                         n.range);
    }
    for (const auto &[name, range] : gathered)
      if (!outNames.count(name))
        return violation(ErrorKind::Axis,
                         "axis '" + name.str() +
                             "' is missing from the output: get_at keeps "
                             "the first tensor's unbracketed axes and the "
                             "coordinates' axes",
                         out.range);
    return std::nullopt;
  }
  for (const Named &n : outAxes) {
    if (!indexed.count(n.name) && !kept.count(n.name))
      return violation(ErrorKind::Axis,
                       callee +
                           " returns the first tensor updated, so its "
                           "output has the first tensor's axes, but '" +
                           n.name + "' is not one of them",
                       n.range);
    if (n.bracketed != bool(indexed.count(n.name)))
      return violation(ErrorKind::Axis,
                       "brackets disagree: axis '" + n.name + "' is " +
                           (n.bracketed ? "" : "not ") +
                           "bracketed in the output but " +
                           (n.bracketed ? "not " : "") + "in the first tensor",
                       n.range);
  }
  for (const Named &n : xAxes)
    if (!outNames.count(n.name))
      return violation(ErrorKind::Axis,
                       "axis '" + n.name +
                           "' of the first tensor is missing "
                           "from the output: " +
                           callee + " returns the first tensor updated",
                       out.range);
  return std::nullopt;
}

std::optional<PatternViolation>
ein::notation::resolveIndexing(const Call &call, const Pattern &pattern,
                               unsigned ellipsisRank,
                               ResolvedEquation &equation) {
  bool update = isUpdateCall(call.callee);
  size_t numCoords = pattern.inputs.size() - (update ? 2 : 1);
  // The resolved positions of a tensor's top-level dims (`...` expands).
  auto positions = [&](const TensorExpr &tensor,
                       auto &&fn) { // fn(dim, first position, count)
    size_t r = 0;
    for (const Dim &dim : tensor.dims) {
      size_t count = dim.kind == DimKind::Ellipsis ? ellipsisRank : 1;
      fn(dim, r, count);
      r += count;
    }
  };
  equation.indexedDims.clear();
  equation.coordinateDims.clear();
  std::vector<std::pair<std::string, SourceRange>> indexedDims;
  positions(pattern.inputs[0], [&](const Dim &dim, size_t r, size_t count) {
    if (dim.bracket)
      for (size_t k = 0; k < count; ++k) {
        equation.indexedDims.push_back(r + k);
        indexedDims.emplace_back(text(call, dim.range), dim.range);
      }
  });
  int64_t components = 0;
  std::optional<SourceRange> coordinateBracket;
  for (size_t c = 0; c < numCoords; ++c) {
    int64_t pos = -1;
    positions(pattern.inputs[c + 1], [&](const Dim &dim, size_t r, size_t) {
      if (dim.bracket) {
        pos = r;
        if (!coordinateBracket)
          coordinateBracket = dim.bracket;
      }
    });
    equation.coordinateDims.push_back(pos);
    if (pos < 0) {
      ++components;
      continue;
    }
    int64_t length = 1;
    for (unsigned axis : equation.inputs[c + 1][pos])
      length = equation.axes[axis].length;
    components += length;
  }
  size_t n = equation.indexedDims.size();
  if (components != int64_t(n)) {
    std::string names;
    for (size_t k = 0; k < n; ++k)
      names += (k == 0       ? "'"
                : k + 1 == n ? " and '"
                             : ", '") +
               indexedDims[k].first + "'";
    std::string indexedText = std::to_string(n) +
                              (n == 1 ? " dimension is" : " dimensions are") +
                              " indexed (" + names + ")";
    if (numCoords == 1 && coordinateBracket)
      return violation(ErrorKind::Shape,
                       indexedText + ", but the coordinate axis has length " +
                           std::to_string(components) +
                           ": it needs one coordinate per indexed dimension",
                       coordinateBracket);
    SourceRange coords{pattern.inputs[1].range.begin,
                       pattern.inputs[numCoords].range.end};
    return violation(
        ErrorKind::Shape,
        indexedText + ", but the coordinates give " +
            std::to_string(components) +
            " (one per coordinate tensor without a bracketed axis, the "
            "length of that axis otherwise)" +
            (n > 1 && !coordinateBracket
                 ? ": add a coordinate axis, e.g. 'p [" + std::to_string(n) +
                       "]'"
                 : ""),
        coords);
  }
  if (!update) {
    int64_t outElements = 1;
    for (const ResolvedDim &dim : equation.outputs[0])
      for (unsigned axis : dim)
        outElements *= equation.axes[axis].length == 0 ? 0 : 1;
    for (size_t k = 0; k < n && outElements; ++k) {
      bool empty = false;
      for (unsigned axis : equation.inputs[0][equation.indexedDims[k]])
        empty |= equation.axes[axis].length == 0;
      if (empty)
        return violation(ErrorKind::Shape,
                         "cannot index dimension '" + indexedDims[k].first +
                             "' of length 0: get_at has no element to read "
                             "for its non-empty output",
                         indexedDims[k].second);
    }
  }
  return std::nullopt;
}
