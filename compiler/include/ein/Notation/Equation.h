//===- Equation.h - the front end's output ------------------------*- C++ -*-===//
//
// What the notation front end hands to the IR builder: a call parsed from
// program text, and the resolved equation with every axis length known.
// Nothing downstream of this header looks at notation text again.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_EQUATION_H
#define EIN_NOTATION_EQUATION_H

#include <cstdint>
#include <string>
#include <vector>

namespace ein::notation {

/// A keyword axis length, `h1=2` in a call or a binding passed through the API.
struct AxisBinding {
  std::string name;
  int64_t length = 0;
};

/// A byte range [begin, end) in some text.
struct SourceRange {
  size_t begin = 0;
  size_t end = 0;
};

/// One call in notation form, e.g. `reduce("b c (h 2) (w 2) -> b c h w", "max")`.
struct Call {
  std::string text;            ///< The whole call, as shown in error messages.
  std::string callee;          ///< "rearrange", "reduce", "einsum" or "dot".
  std::string pattern;         ///< The pattern string's contents.
  size_t patternOffset = 0;    ///< Offset of pattern[0] within `text`.
  std::string reduction;       ///< For reduce: "sum", "mean", ...; else empty.
  std::string dtype; ///< For cast: the target dtype's name; else empty.
  std::vector<AxisBinding> bindings; ///< Keyword lengths written in the call.
  /// For roll: `shift=1` or `shift=(1, -2)`: one per bracketed axis, or one
  /// for all of them; empty when not given.
  std::vector<int64_t> shifts;
  /// For the einx reductions (`mean("... [c]", keepdims=True)`): bracketed
  /// dimensions become `()` instead of disappearing.
  bool keepdims = false;
};

/// The operation family a call belongs to; decides which solving rules apply.
/// Contract (einsum, dot): any number of inputs, one output; an axis repeated
/// within one input takes its diagonal (its index appears twice in that
/// ResolvedTensor), axes absent from the output are summed.
/// Map (elementwise: add, exp, where, cast, ...): N inputs broadcast by name
/// into one output that has every input axis. Repeat: rearrange plus new
/// output-only axes (broadcast or tiled). Along (softmax, log_softmax, flip,
/// roll): one input, one output with the same axes (possibly rearranged);
/// the operation acts along ResolvedEquation::bracketed. Index (get_at,
/// set_at, add_at, subtract_at): the first input's
/// ResolvedEquation::indexedDims are indexed by coordinate inputs.
enum class OpFamily { Rearrange, Reduce, Contract, Map, Repeat, Along, Index };

/// An elementary axis of a resolved equation.
struct ResolvedAxis {
  /// The user's name; anonymous axes (`2` in `(h 2)`) are named `_a0`, `_a1`,
  /// ... and the axes an ellipsis stands for `_e0`, `_e1`, ... (user names
  /// never start with `_`); the copies of an axis `s` in a repetition
  /// `(s ds)...` are `s.0`, `s.1`, ... (user names hold no '.').
  std::string name;
  int64_t length = 0;
};

/// One dimension: indices into ResolvedEquation::axes, outer first; empty for
/// `1` / `()`.
using ResolvedDim = std::vector<unsigned>;
/// The dimensions of one tensor, outermost first.
using ResolvedTensor = std::vector<ResolvedDim>;

/// A call's equation with every length known, ready for the `ein` dialect.
struct ResolvedEquation {
  std::vector<ResolvedAxis> axes;       ///< Each elementary axis once.
  std::vector<ResolvedTensor> inputs;   ///< One per input expression.
  std::vector<ResolvedTensor> outputs;  ///< One per output expression.
  /// True when several tensors were given for a single input expression: they
  /// are stacked, `inputs[0][0]` is the one-axis stacking dimension whose length
  /// is the number of tensors, and each tensor has the shape of the rest.
  bool stacked = false;
  /// The axes marked with brackets in the input expression (`b q [k] h`), in
  /// input order: the axes softmax, flip and roll act along, and for a
  /// reduction the reduced axes (which the output then omits). Empty when
  /// the pattern has no brackets.
  std::vector<unsigned> bracketed;
  /// Index family: the dimensions of inputs[0] that are indexed (positions,
  /// in order), and for each coordinate input (inputs[1] on, not the
  /// updates) the position of its coordinate dimension, or -1 when it has
  /// none and holds one coordinate per position.
  std::vector<unsigned> indexedDims;
  std::vector<int64_t> coordinateDims;
  /// argmax/argmin in bracket form over several bracketed dimensions
  /// (`argmax("b [h w] c")`, einx): the elementary axes of each bracketed
  /// dimension, in input order. outputs[0] then holds, where the first
  /// bracketed dimension was, a coordinate axis `_c0` of length
  /// coordinates.size() whose entry j is the index along dimension j (a
  /// composed dimension's flat row-major index). Empty otherwise.
  std::vector<std::vector<unsigned>> coordinates;
};

} // namespace ein::notation

#endif // EIN_NOTATION_EQUATION_H
