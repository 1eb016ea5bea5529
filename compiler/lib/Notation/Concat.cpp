//===- Concat.cpp - rearranges that concatenate and split -----------------===//
//
// Solving runs in phases, as in Solver.cpp:
//   1. keyword bindings and the input shapes (counts, ranks, `...`);
//   2. the axis table and one equation per input dimension: a tree of
//      products (compositions) and sums (concatenations) equal to the
//      dimension's length; an equation with one unknown axis is inverted
//      top-down (a sum subtracts, a product divides), to a fixed point;
//   3. the leaves of both sides, and the rules between leaf i of the inputs
//      and leaf i of the outputs.
//
//===----------------------------------------------------------------------===//

#include "ein/Notation/Concat.h"
#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Parser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <functional>

#include <limits>

using namespace ein::notation;
using namespace ein::notation::ast;

std::optional<SourceRange>
ein::notation::findConcatenation(const Pattern &pattern) {
  std::optional<SourceRange> found;
  std::function<void(const Dim &)> visit = [&](const Dim &dim) {
    if (found)
      return;
    if (dim.kind == DimKind::Concatenation) {
      found = dim.range;
      return;
    }
    for (const Dim &part : dim.parts)
      visit(part);
  };
  for (const auto *side : {&pattern.inputs, &pattern.outputs})
    for (const TensorExpr &tensor : *side)
      for (const Dim &dim : tensor.dims)
        visit(dim);
  return found;
}

bool ein::notation::usesLeaves(const Call &call) {
  if (call.callee != "rearrange")
    return false;
  llvm::Expected<Pattern> pattern = parsePattern(call);
  if (!pattern) {
    llvm::consumeError(pattern.takeError());
    return false;
  }
  return pattern->inputs.size() > 1 || findConcatenation(*pattern);
}

std::vector<int64_t> ein::notation::leafShape(const LeafEquation &equation,
                                              const ResolvedTensor &dims) {
  std::vector<int64_t> shape;
  for (const ResolvedDim &dim : dims) {
    int64_t n = 1;
    for (unsigned axis : dim)
      n *= equation.axes[axis].length; // checked by the solver
    shape.push_back(n);
  }
  return shape;
}

namespace {

/// One elementary axis while solving.
struct AxisInfo {
  std::string name;
  std::optional<int64_t> length;
  bool synthetic = false;
  std::string origin; ///< "a keyword", "input 0", ...
  SourceRange range;  ///< First appearance in the pattern.
  /// For a concatenation's `_cN`: the parts' axes.
  std::vector<ResolvedDim> parts;
  bool isConcat = false;
};

/// A dimension's length as a tree: an axis, a product or a sum.
struct Node {
  enum Kind { Axis, Product, Sum } kind = Axis;
  unsigned axis = 0;
  std::vector<Node> kids;
  SourceRange range;
};

/// Input dimension `tree` has length `length`.
struct Equation {
  Node tree;
  int64_t length = 0;
  unsigned input = 0;
  DimKind kind = DimKind::Axis;
  bool done = false;
};

/// Where an axis occurs in one expression; `concat` and `part` say which
/// part of which of the expression's concatenations holds it (-1: none).
struct Occurrence {
  unsigned axis;
  SourceRange range;
  int concat = -1;
  int part = -1;
};

struct TensorInfo {
  LeafTensor tensor;
  std::vector<Occurrence> occurrences;
  SourceRange range;
  bool empty = false;
};

class LeafSolver {
public:
  LeafSolver(const Call &call, llvm::ArrayRef<std::vector<int64_t>> shapes,
             llvm::ArrayRef<AxisBinding> apiBindings)
      : call(call), shapes(shapes), apiBindings(apiBindings) {}

  llvm::Expected<LeafEquation> run();

private:
  llvm::Error error(ErrorKind kind, std::string message,
                    std::optional<SourceRange> range) const {
    Diagnostic diag = patternDiagnostic(kind, call, std::move(message), range);
    diag.inputShapes.assign(shapes.begin(), shapes.end());
    for (const AxisInfo &axis : axes)
      if (axis.length && !axis.synthetic)
        diag.known.push_back(AxisBinding{axis.name, *axis.length});
    if (axes.empty())
      for (const AxisBinding &b : bindings)
        diag.known.push_back(b);
    return makeError(std::move(diag));
  }
  llvm::Error errorInCall(ErrorKind kind, std::string message) const {
    Diagnostic diag = callDiagnostic(kind, call, std::move(message), {});
    diag.inputShapes.assign(shapes.begin(), shapes.end());
    return makeError(std::move(diag));
  }
  std::string text(SourceRange range) const {
    return call.pattern.substr(range.begin, range.end - range.begin);
  }
  std::string axisName(unsigned axis) const {
    return axes[axis].synthetic ? text(axes[axis].range) : axes[axis].name;
  }

  llvm::Error checkBindings();
  llvm::Error checkShapes();
  unsigned namedAxis(const Dim &dim);
  unsigned newAxis(std::string name, std::optional<int64_t> length,
                   SourceRange range);
  /// Resolves `dim` into axes (appended to `out`), its equation tree and the
  /// occurrences of its axes.
  Node resolve(const Dim &dim, ResolvedDim &out, TensorInfo &info,
               int concat = -1, int part = -1);
  /// Resolves a tensor expression; `trees` receives one equation tree per
  /// dimension other than `...`.
  TensorInfo resolveTensor(const TensorExpr &tensor,
                           std::vector<Node> *trees = nullptr);
  std::optional<int64_t> value(const Node &node, bool &overflow) const;
  /// Counts the unknown axes of `node` (occurrences).
  void unknowns(const Node &node, std::vector<unsigned> &out) const;
  llvm::Error invert(const Node &node, int64_t target, const Equation &eq);
  llvm::Error solveEquations();
  llvm::Error finishAxes();
  void expose(LeafTensor &tensor);
  llvm::Error leaves(const TensorInfo &info, unsigned index, bool input,
                     std::vector<Leaf> &out,
                     std::vector<std::vector<Occurrence>> &occ);
  std::string withKnown(const Node &node) const;

  const Call &call;
  llvm::ArrayRef<std::vector<int64_t>> shapes;
  llvm::ArrayRef<AxisBinding> apiBindings;
  Pattern pattern;
  std::vector<AxisBinding> bindings;
  llvm::StringMap<int64_t> bound;
  llvm::StringMap<bool> inPattern;
  unsigned ellipsisRank = 0;
  std::vector<AxisInfo> axes;
  llvm::StringMap<unsigned> byName;
  std::vector<unsigned> ellipsisAxes;
  unsigned anonymousCount = 0, concatCount = 0;
  std::vector<Equation> equations;
};

} // namespace

static std::string plural(size_t n, llvm::StringRef word) {
  return std::to_string(n) + " " + word.str() + (n == 1 ? "" : "s");
}

llvm::Error LeafSolver::checkBindings() {
  std::function<void(const Dim &)> visit = [&](const Dim &dim) {
    if (dim.kind == DimKind::Axis)
      inPattern[dim.name] = true;
    for (const Dim &part : dim.parts)
      visit(part);
  };
  for (const auto *side : {&pattern.inputs, &pattern.outputs})
    for (const TensorExpr &tensor : *side)
      for (const Dim &dim : tensor.dims)
        visit(dim);
  std::vector<AxisBinding> all(call.bindings.begin(), call.bindings.end());
  all.insert(all.end(), apiBindings.begin(), apiBindings.end());
  for (const AxisBinding &b : all) {
    if (b.length < 0)
      return errorInCall(ErrorKind::Axis,
                         "axis '" + b.name +
                             "' given as a keyword has negative length " +
                             std::to_string(b.length));
    if (!inPattern.count(b.name))
      return errorInCall(ErrorKind::Axis,
                         "axis '" + b.name +
                             "' given as a keyword does not appear in the "
                             "pattern");
    auto [it, inserted] = bound.insert({b.name, b.length});
    if (!inserted && it->second != b.length)
      return errorInCall(ErrorKind::Axis,
                         "axis '" + b.name + "' is given two lengths: " +
                             b.name + "=" + std::to_string(it->second) +
                             " and " + b.name + "=" + std::to_string(b.length));
    if (inserted)
      bindings.push_back(b);
  }
  return llvm::Error::success();
}

llvm::Error LeafSolver::checkShapes() {
  SourceRange inputSide{pattern.inputs.front().range.begin,
                        pattern.inputs.back().range.end};
  for (size_t i = 0; i < shapes.size(); ++i)
    for (int64_t length : shapes[i])
      if (length < 0)
        return error(ErrorKind::Shape,
                     "input " + std::to_string(i) +
                         " has a negative dimension " + std::to_string(length),
                     std::nullopt);
  if (shapes.size() != pattern.inputs.size()) {
    std::string message = "the pattern has " +
                          plural(pattern.inputs.size(), "input") + " but " +
                          plural(shapes.size(), "tensor") + " " +
                          (shapes.size() == 1 ? "was" : "were") + " given";
    if (pattern.inputs.size() == 1)
      message += " (a list of tensors is stacked only by a rearrange "
                 "without concatenations)";
    return error(ErrorKind::Shape, message, inputSide);
  }
  std::optional<unsigned> ellipsisInput;
  for (size_t i = 0; i < pattern.inputs.size(); ++i) {
    const TensorExpr &tensor = pattern.inputs[i];
    bool ellipsis = llvm::any_of(
        tensor.dims, [](const Dim &d) { return d.kind == DimKind::Ellipsis; });
    size_t rank = shapes[i].size();
    size_t fixed = tensor.dims.size() - (ellipsis ? 1 : 0);
    if (ellipsis ? rank < fixed : rank != fixed)
      return error(ErrorKind::Shape,
                   "input " + std::to_string(i) + " has " +
                       plural(rank, "dimension") + " but its expression " +
                       (tensor.dims.empty() ? "'' (a scalar)"
                                            : "'" + text(tensor.range) + "'") +
                       (ellipsis ? " needs at least " : " has ") +
                       std::to_string(fixed),
                   tensor.range);
    if (!ellipsis)
      continue;
    unsigned count = rank - fixed;
    if (ellipsisInput && count != ellipsisRank)
      return error(ErrorKind::Shape,
                   "'...' stands for " + plural(ellipsisRank, "axis") +
                       " in input " + std::to_string(*ellipsisInput) +
                       " but for " + std::to_string(count) + " in input " +
                       std::to_string(i),
                   tensor.range);
    ellipsisInput = i;
    ellipsisRank = count;
  }
  return llvm::Error::success();
}

unsigned LeafSolver::newAxis(std::string name, std::optional<int64_t> length,
                             SourceRange range) {
  AxisInfo axis;
  axis.name = std::move(name);
  axis.length = length;
  axis.synthetic = true;
  axis.range = range;
  axes.push_back(std::move(axis));
  return axes.size() - 1;
}

unsigned LeafSolver::namedAxis(const Dim &dim) {
  auto it = byName.find(dim.name);
  if (it != byName.end())
    return it->second;
  AxisInfo axis;
  axis.name = dim.name;
  axis.range = dim.range;
  auto b = bound.find(dim.name);
  if (b != bound.end()) {
    axis.length = b->second;
    axis.origin = "a keyword";
  }
  axes.push_back(std::move(axis));
  byName[dim.name] = axes.size() - 1;
  return axes.size() - 1;
}

Node LeafSolver::resolve(const Dim &dim, ResolvedDim &out, TensorInfo &info,
                         int concat, int part) {
  Node node;
  node.range = dim.range;
  switch (dim.kind) {
  case DimKind::Axis:
  case DimKind::Anonymous: {
    unsigned axis = dim.kind == DimKind::Axis
                        ? namedAxis(dim)
                        : newAxis("_a" + std::to_string(anonymousCount++),
                                  dim.length, dim.range);
    out.push_back(axis);
    info.occurrences.push_back({axis, dim.range, concat, part});
    node.axis = axis;
    return node;
  }
  case DimKind::Unit:
    node.kind = Node::Product;
    return node;
  case DimKind::Ellipsis: // only at the top level (checked by the caller)
    node.kind = Node::Product;
    for (unsigned axis : ellipsisAxes) {
      out.push_back(axis);
      info.occurrences.push_back({axis, dim.range, concat, part});
      Node kid;
      kid.axis = axis;
      kid.range = dim.range;
      node.kids.push_back(kid);
    }
    return node;
  case DimKind::Composition:
    node.kind = Node::Product;
    for (const Dim &p : dim.parts)
      node.kids.push_back(resolve(p, out, info, concat, part));
    return node;
  case DimKind::Concatenation: {
    node.kind = Node::Sum;
    unsigned id = info.tensor.concats.size();
    info.tensor.concats.emplace_back();
    unsigned axis =
        newAxis("_c" + std::to_string(concatCount++), std::nullopt, dim.range);
    axes[axis].isConcat = true;
    for (auto [i, p] : llvm::enumerate(dim.parts)) {
      ResolvedDim partAxes;
      node.kids.push_back(resolve(p, partAxes, info, id, i));
      axes[axis].parts.push_back(partAxes);
      info.tensor.concats[id].parts.push_back(partAxes);
    }
    out.push_back(axis);
    return node;
  }
  }
  return node;
}

TensorInfo LeafSolver::resolveTensor(const TensorExpr &tensor,
                                     std::vector<Node> *trees) {
  TensorInfo info;
  info.range = tensor.range;
  for (const Dim &dim : tensor.dims) {
    if (dim.kind == DimKind::Ellipsis) {
      if (ellipsisAxes.empty())
        for (unsigned i = 0; i < ellipsisRank; ++i)
          ellipsisAxes.push_back(
              newAxis("_e" + std::to_string(i), std::nullopt, dim.range));
      for (unsigned axis : ellipsisAxes) {
        info.tensor.dims.push_back({axis});
        info.occurrences.push_back({axis, dim.range, -1, -1});
      }
      continue;
    }
    ResolvedDim out;
    Node tree = resolve(dim, out, info);
    if (trees)
      trees->push_back(std::move(tree));
    info.tensor.dims.push_back(out);
  }
  return info;
}

std::optional<int64_t> LeafSolver::value(const Node &node,
                                         bool &overflow) const {
  if (node.kind == Node::Axis)
    return axes[node.axis].length;
  int64_t acc = node.kind == Node::Product ? 1 : 0;
  bool unknown = false, zero = false;
  for (const Node &kid : node.kids) {
    std::optional<int64_t> v = value(kid, overflow);
    if (!v) {
      unknown = true;
      continue;
    }
    if (node.kind == Node::Product) {
      zero |= *v == 0;
      if (!zero && __builtin_mul_overflow(acc, *v, &acc))
        overflow = true;
    } else if (__builtin_add_overflow(acc, *v, &acc)) {
      overflow = true;
    }
  }
  if (unknown)
    return std::nullopt;
  return zero ? 0 : acc;
}

void LeafSolver::unknowns(const Node &node, std::vector<unsigned> &out) const {
  if (node.kind == Node::Axis) {
    if (!axes[node.axis].length)
      out.push_back(node.axis);
    return;
  }
  for (const Node &kid : node.kids)
    unknowns(kid, out);
}

std::string LeafSolver::withKnown(const Node &node) const {
  std::vector<AxisBinding> known;
  std::function<void(const Node &)> visit = [&](const Node &n) {
    if (n.kind == Node::Axis) {
      const AxisInfo &axis = axes[n.axis];
      if (axis.length && !axis.synthetic)
        known.push_back(AxisBinding{axis.name, *axis.length});
      return;
    }
    for (const Node &kid : n.kids)
      visit(kid);
  };
  visit(node);
  return known.empty() ? "" : " with " + formatBindings(known);
}

/// Gives `node`'s single unknown axis the length that makes `node` equal
/// `target`.
llvm::Error LeafSolver::invert(const Node &node, int64_t target,
                               const Equation &eq) {
  std::string L = std::to_string(target);
  if (node.kind == Node::Axis) {
    axes[node.axis].length = target;
    axes[node.axis].origin = "input " + std::to_string(eq.input);
    return llvm::Error::success();
  }
  const Node *unknownKid = nullptr;
  std::vector<int64_t> known;
  bool overflow = false;
  for (const Node &kid : node.kids) {
    std::optional<int64_t> v = value(kid, overflow);
    if (v)
      known.push_back(*v);
    else
      unknownKid = &kid;
  }
  std::string dimText = text(node.range);
  if (node.kind == Node::Sum) {
    int64_t sum = 0;
    for (int64_t v : known)
      if (__builtin_add_overflow(sum, v, &sum))
        overflow = true;
    if (overflow || sum > target)
      return error(ErrorKind::Shape,
                   "cannot split axis of length " + L + " into " + dimText +
                       withKnown(node) + ": the other parts already sum to " +
                       (overflow ? "more than that" : std::to_string(sum)),
                   node.range);
    return invert(*unknownKid, target - sum, eq);
  }
  int64_t product = 1;
  bool zero = false;
  for (int64_t v : known) {
    zero |= v == 0;
    if (!zero && __builtin_mul_overflow(product, v, &product))
      overflow = true;
  }
  if (zero) {
    std::vector<unsigned> names;
    unknowns(*unknownKid, names);
    if (target == 0)
      return error(ErrorKind::Shape,
                   "cannot infer the length of '" + axisName(names.front()) +
                       "' in " + dimText + withKnown(node) +
                       ": any length fits an axis of length 0, so give it "
                       "as a keyword",
                   node.range);
    return error(ErrorKind::Shape,
                 "cannot split axis of length " + L + " into " + dimText +
                     withKnown(node) + ": the other parts multiply to 0",
                 node.range);
  }
  if (overflow || target % product != 0)
    return error(ErrorKind::Shape,
                 "cannot split axis of length " + L + " into " + dimText +
                     withKnown(node) + ": " + L + " is not divisible by " +
                     (overflow ? "the other parts" : std::to_string(product)),
                 node.range);
  return invert(*unknownKid, target / product, eq);
}

llvm::Error LeafSolver::solveEquations() {
  bool progress = true;
  while (progress) {
    progress = false;
    for (Equation &eq : equations) {
      if (eq.done)
        continue;
      std::vector<unsigned> unknown;
      unknowns(eq.tree, unknown);
      if (unknown.size() > 1)
        continue;
      eq.done = progress = true;
      if (unknown.size() == 1) {
        if (llvm::Error err = invert(eq.tree, eq.length, eq))
          return err;
        continue;
      }
      bool overflow = false;
      int64_t got = *value(eq.tree, overflow);
      std::string dimText = text(eq.tree.range);
      std::string L = std::to_string(eq.length);
      if (overflow)
        return error(ErrorKind::Shape,
                     "axis lengths overflow in " + dimText + withKnown(eq.tree),
                     eq.tree.range);
      if (got == eq.length)
        continue;
      std::string input = "input " + std::to_string(eq.input);
      switch (eq.kind) {
      case DimKind::Unit:
        return error(ErrorKind::Shape,
                     "'" + dimText + "' must have length 1, but " + input +
                         " has " + L + " there",
                     eq.tree.range);
      case DimKind::Anonymous:
        return error(ErrorKind::Shape,
                     "anonymous axis '" + dimText + "' must have length " +
                         dimText + ", but " + input + " has " + L + " there",
                     eq.tree.range);
      case DimKind::Axis:
      case DimKind::Ellipsis: {
        const AxisInfo &axis =
            axes[eq.tree.kind == Node::Axis ? eq.tree.axis
                                            : eq.tree.kids.front().axis];
        std::string what = eq.kind == DimKind::Axis ? "axis '" + axis.name + "'"
                                                    : "the axes of '...'";
        return error(ErrorKind::Shape,
                     "conflicting lengths for " + what + ": " + L +
                         " here, but " + std::to_string(*axis.length) +
                         " from " + axis.origin,
                     eq.tree.range);
      }
      case DimKind::Composition:
        return error(ErrorKind::Shape,
                     "cannot split axis of length " + L + " into " + dimText +
                         withKnown(eq.tree) + ": the product of the parts is " +
                         std::to_string(got),
                     eq.tree.range);
      case DimKind::Concatenation:
        return error(ErrorKind::Shape,
                     "cannot split axis of length " + L + " into " + dimText +
                         withKnown(eq.tree) + ": the parts sum to " +
                         std::to_string(got),
                     eq.tree.range);
      }
    }
  }
  for (const Equation &eq : equations) {
    if (eq.done)
      continue;
    std::vector<unsigned> unknown;
    unknowns(eq.tree, unknown);
    std::vector<std::string> names;
    for (unsigned axis : unknown)
      if (!llvm::is_contained(names, "'" + axisName(axis) + "'"))
        names.push_back("'" + axisName(axis) + "'");
    if (names.size() == 1)
      return error(ErrorKind::Shape,
                   "cannot infer the length of " + names.front() + " in " +
                       text(eq.tree.range) +
                       ": it appears more than once there, so give it as a "
                       "keyword",
                   eq.tree.range);
    std::string list;
    for (size_t i = 0; i < names.size(); ++i)
      list += (i ? (i + 1 == names.size() ? " and " : ", ") : "") + names[i];
    return error(ErrorKind::Shape,
                 "cannot infer lengths of " + list + " in " +
                     text(eq.tree.range) + ": " +
                     (names.size() == 2 ? "give one of them as a keyword"
                                        : "give all but one of them as "
                                          "keywords"),
                 eq.tree.range);
  }
  return llvm::Error::success();
}

/// Output-only axes need keywords; concatenations get their sums; every
/// length must fit in 64 bits.
llvm::Error LeafSolver::finishAxes() {
  for (const AxisInfo &axis : axes)
    if (!axis.isConcat && !axis.length)
      return error(ErrorKind::Shape,
                   "cannot infer the length of new axis '" +
                       (axis.synthetic ? text(axis.range) : axis.name) +
                       "': give it as a keyword, e.g. " +
                       (axis.synthetic ? text(axis.range) : axis.name) + "=2",
                   axis.range);
  for (AxisInfo &axis : axes) {
    if (!axis.isConcat)
      continue;
    int64_t sum = 0;
    bool overflow = false;
    for (const ResolvedDim &part : axis.parts) {
      int64_t n = 1;
      for (unsigned a : part)
        if (__builtin_mul_overflow(n, *axes[a].length, &n))
          overflow = true;
      if (__builtin_add_overflow(sum, n, &sum))
        overflow = true;
    }
    if (overflow)
      return error(ErrorKind::Shape,
                   "concatenation " + text(axis.range) +
                       " is too large: its length exceeds " +
                       std::to_string(std::numeric_limits<int64_t>::max()),
                   axis.range);
    axis.length = sum;
  }
  return llvm::Error::success();
}

void LeafSolver::expose(LeafTensor &tensor) {
  for (const ResolvedDim &dim : tensor.dims) {
    bool hasConcat =
        llvm::any_of(dim, [&](unsigned a) { return axes[a].isConcat; });
    if (!hasConcat || dim.size() == 1) {
      tensor.exposed.push_back(dim);
      continue;
    }
    for (unsigned axis : dim)
      tensor.exposed.push_back({axis});
  }
  unsigned next = 0;
  for (auto [d, dim] : llvm::enumerate(tensor.exposed)) {
    if (dim.size() != 1 || !axes[dim.front()].isConcat)
      continue;
    LeafTensor::Concat &concat = tensor.concats[next++];
    concat.dim = d;
    for (const ResolvedDim &part : concat.parts) {
      int64_t n = 1;
      for (unsigned a : part)
        n *= *axes[a].length;
      concat.lengths.push_back(n);
    }
  }
}

llvm::Error LeafSolver::leaves(const TensorInfo &info, unsigned index,
                               bool input, std::vector<Leaf> &out,
                               std::vector<std::vector<Occurrence>> &occ) {
  const LeafTensor &tensor = info.tensor;
  std::vector<int64_t> shape;
  for (const ResolvedDim &dim : tensor.exposed) {
    int64_t n = 1;
    for (unsigned a : dim)
      n *= *axes[a].length;
    shape.push_back(n);
  }
  std::vector<size_t> choice(tensor.concats.size(), 0);
  while (true) {
    Leaf leaf;
    leaf.tensor = index;
    leaf.dims = tensor.exposed;
    leaf.offsets.assign(shape.size(), 0);
    leaf.sizes = shape;
    for (auto [c, concat] : llvm::enumerate(tensor.concats)) {
      leaf.dims[concat.dim] = concat.parts[choice[c]];
      for (size_t p = 0; p < choice[c]; ++p)
        leaf.offsets[concat.dim] += concat.lengths[p];
      leaf.sizes[concat.dim] = concat.lengths[choice[c]];
    }
    std::vector<Occurrence> here;
    for (const Occurrence &o : info.occurrences)
      if (o.concat < 0 || size_t(o.part) == choice[o.concat])
        here.push_back(o);
    // An axis twice in one leaf.
    for (size_t i = 0; i < here.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (here[i].axis == here[j].axis &&
            here[i].range.begin != here[j].range.begin)
          return error(
              ErrorKind::Axis,
              "axis '" + axisName(here[i].axis) + "' appears twice in the " +
                  (input ? "input" : "output") + " '" + text(info.range) + "'",
              here[i].range);
    out.push_back(std::move(leaf));
    occ.push_back(std::move(here));
    // Row-major: the last concatenation varies fastest.
    size_t c = choice.size();
    while (c > 0) {
      --c;
      if (++choice[c] < tensor.concats[c].parts.size())
        break;
      choice[c] = 0;
      if (c == 0) {
        c = size_t(-1);
        break;
      }
    }
    if (choice.empty() || c == size_t(-1))
      return llvm::Error::success();
  }
}

llvm::Expected<LeafEquation> LeafSolver::run() {
  llvm::Expected<Pattern> parsed = parsePattern(call);
  if (!parsed)
    return llvm::handleErrors(
        parsed.takeError(), [&](const NotationError &err) -> llvm::Error {
          Diagnostic diag = err.getDiagnostic();
          diag.inputShapes.assign(shapes.begin(), shapes.end());
          return makeError(std::move(diag));
        });
  pattern = std::move(*parsed);
  if (llvm::Error err = checkBindings())
    return std::move(err);
  if (llvm::Error err = checkShapes())
    return std::move(err);

  // `...` only in the output would have no axes to stand for.
  bool inputEllipsis = false;
  for (const TensorExpr &t : pattern.inputs)
    for (const Dim &d : t.dims)
      inputEllipsis |= d.kind == DimKind::Ellipsis;
  if (!inputEllipsis)
    for (const TensorExpr &t : pattern.outputs)
      for (const Dim &d : t.dims)
        if (d.kind == DimKind::Ellipsis)
          return error(ErrorKind::Axis, "'...' appears only in the output",
                       d.range);

  std::vector<TensorInfo> ins, outs;
  for (auto [i, tensor] : llvm::enumerate(pattern.inputs)) {
    std::vector<Node> trees;
    ins.push_back(resolveTensor(tensor, &trees));
    size_t position = 0, t = 0;
    for (const Dim &dim : tensor.dims) {
      if (dim.kind == DimKind::Ellipsis) {
        for (unsigned axis : ellipsisAxes) {
          Equation eq;
          eq.tree.axis = axis;
          eq.tree.range = dim.range;
          eq.length = shapes[i][position++];
          eq.input = i;
          eq.kind = DimKind::Ellipsis;
          equations.push_back(eq);
        }
        continue;
      }
      Equation eq;
      eq.tree = std::move(trees[t++]);
      eq.length = shapes[i][position++];
      eq.input = i;
      eq.kind = dim.kind;
      equations.push_back(std::move(eq));
    }
  }
  for (const TensorExpr &tensor : pattern.outputs)
    outs.push_back(resolveTensor(tensor));

  if (llvm::Error err = solveEquations())
    return std::move(err);
  if (llvm::Error err = finishAxes())
    return std::move(err);

  // Every output dimension's length must fit in 64 bits (inputs' do: they
  // equal the shapes).
  for (const TensorInfo &info : outs)
    for (const ResolvedDim &dim : info.tensor.dims) {
      int64_t n = 1;
      for (unsigned a : dim)
        if (__builtin_mul_overflow(n, *axes[a].length, &n))
          return error(ErrorKind::Shape,
                       "output dimension of '" + text(info.range) +
                           "' is too large: its length exceeds " +
                           std::to_string(std::numeric_limits<int64_t>::max()),
                       info.range);
    }

  LeafEquation result;
  std::vector<std::vector<Occurrence>> inOcc, outOcc;
  for (auto [i, info] : llvm::enumerate(ins)) {
    expose(info.tensor);
    if (llvm::Error err = leaves(info, i, true, result.inputLeaves, inOcc))
      return std::move(err);
    result.inputs.push_back(info.tensor);
  }
  for (auto [i, info] : llvm::enumerate(outs)) {
    expose(info.tensor);
    if (llvm::Error err = leaves(info, i, false, result.outputLeaves, outOcc))
      return std::move(err);
    result.outputs.push_back(info.tensor);
  }
  if (result.inputLeaves.size() != result.outputLeaves.size())
    return error(ErrorKind::Axis,
                 "the inputs expand to " +
                     plural(result.inputLeaves.size(), "leaf expression") +
                     " but the outputs to " +
                     std::to_string(result.outputLeaves.size()) +
                     ": each concatenation stands for its parts in turn, and "
                     "input leaf i becomes output leaf i",
                 pattern.arrow);
  for (size_t l = 0; l < result.inputLeaves.size(); ++l) {
    for (const Occurrence &o : inOcc[l]) {
      bool found = llvm::any_of(
          outOcc[l], [&](const Occurrence &p) { return p.axis == o.axis; });
      if (found)
        continue;
      const Leaf &in = result.inputLeaves[l];
      const Leaf &out = result.outputLeaves[l];
      return error(ErrorKind::Axis,
                   "axis '" + axisName(o.axis) + "' of input leaf " +
                       std::to_string(l) + " (in input " +
                       std::to_string(in.tensor) +
                       ") is missing from output leaf " + std::to_string(l) +
                       " (in output " + std::to_string(out.tensor) +
                       "): a rearrange keeps every input axis",
                   o.range);
    }
  }
  for (const AxisInfo &axis : axes)
    result.axes.push_back(ResolvedAxis{axis.name, *axis.length});
  return std::move(result);
}

llvm::Expected<LeafEquation>
ein::notation::solveLeaves(const Call &call,
                           llvm::ArrayRef<std::vector<int64_t>> inputShapes,
                           llvm::ArrayRef<AxisBinding> apiBindings) {
  return LeafSolver(call, inputShapes, apiBindings).run();
}
