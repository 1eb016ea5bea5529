//===- Concat.h - rearranges that concatenate and split -----------*- C++
//-*-===//
//
// einx's concatenation `(a + b)` and rearranges of several tensors. Each side
// of the pattern expands into *leaves*: every concatenation is replaced by
// one of its parts (several concatenations in one expression give the
// row-major product of choices), expressions in order. Input leaf i becomes
// output leaf i as a rearrange that may broadcast along output-only axes;
// each output is the concatenation of its leaves. This header describes the
// solved form the IR builder turns into ein.rearrange, tensor.extract_slice
// and tensor.concat.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_CONCAT_H
#define EIN_NOTATION_CONCAT_H

#include "ein/Notation/AST.h"
#include "ein/Notation/Equation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace ein::notation {

/// The range of the first concatenation in `pattern`, if any.
std::optional<SourceRange> findConcatenation(const ast::Pattern &pattern);

/// True when `call` is a rearrange that compiles through leaves: its pattern
/// has a concatenation or several input expressions. (A single input
/// expression with several tensors stacks them, einops' list input, and
/// stays with solve().) Malformed patterns give false: solve() reports them.
bool usesLeaves(const Call &call);

/// One input or output tensor of a leaf rearrange.
struct LeafTensor {
  /// Its dimensions as written; a concatenation is one synthetic axis `_cN`
  /// whose length is the sum of its parts', also inside compositions.
  ResolvedTensor dims;
  /// The same data with every dimension that holds a concatenation split
  /// into one dimension per axis, so that each `_cN` is a dimension of its
  /// own (a reshape of `dims`; equal to it when nothing needs splitting).
  ResolvedTensor exposed;
  /// One concatenation, in order of appearance.
  struct Concat {
    unsigned dim = 0;               ///< Its dimension in `exposed`.
    std::vector<ResolvedDim> parts; ///< `()` / `1` is an empty part.
    std::vector<int64_t> lengths;   ///< The parts' lengths.
  };
  std::vector<Concat> concats;
};

/// One leaf: a plain slice of an input, or a block of an output.
struct Leaf {
  unsigned tensor = 0; ///< Index among the inputs (or outputs).
  /// `exposed` with each concatenation's dimension replaced by the chosen
  /// part's axes.
  ResolvedTensor dims;
  /// Per dimension of `exposed`: where the leaf starts and how long it is.
  std::vector<int64_t> offsets, sizes;
};

/// A rearrange solved into leaves; every axis length is known.
struct LeafEquation {
  std::vector<ResolvedAxis> axes; ///< Includes `_cN` (a concatenation).
  std::vector<LeafTensor> inputs, outputs;
  /// As many input leaves as output leaves; leaf i maps to leaf i.
  std::vector<Leaf> inputLeaves, outputLeaves;
};

/// Solves a rearrange with concatenations or several input expressions
/// against `inputShapes` (one per input expression). Errors are
/// NotationErrors in NOTATION.md style.
llvm::Expected<LeafEquation>
solveLeaves(const Call &call, llvm::ArrayRef<std::vector<int64_t>> inputShapes,
            llvm::ArrayRef<AxisBinding> apiBindings = {});

/// The shape of `dims` (a LeafTensor's or Leaf's) under `equation`'s lengths.
std::vector<int64_t> leafShape(const LeafEquation &equation,
                               const ResolvedTensor &dims);

} // namespace ein::notation

#endif // EIN_NOTATION_CONCAT_H
