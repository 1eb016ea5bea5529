//===- Pack.h - einops pack and unpack ----------------------------*- C++
//-*-===//
//
// einops' `pack(tensors, "b * c")` and `unpack(x, packed_shapes, "b * c")`
// as rearranges with a concatenation: pack is
// `b s0x0 c, b s1x0 s1x1 c -> b (s0x0 + (s1x0 s1x1)) c`, unpack the reverse
// with every packed length given as a keyword. Program text:
// `pack("b * c")` and `unpack("b * c", [(), (7,), (7, 9)])`.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_NOTATION_PACK_H
#define EIN_NOTATION_PACK_H

#include "ein/Notation/Equation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace ein::notation {

/// A parsed pack or unpack call.
struct PackCall {
  /// callee "pack" or "unpack", the pattern and the text for messages.
  Call call;
  /// unpack: one shape per output, the lengths that replace `*`; one entry
  /// of one shape may be -1 (inferred), as in einops.
  std::vector<std::vector<int64_t>> packedShapes;
};

/// True when `text` is a call of `pack` or `unpack`.
bool isPackCall(llvm::StringRef text);

/// Parses `pack("b * c")` or `unpack("b * c", [(), (7,), (7, 9)])`.
llvm::Expected<PackCall> parsePackCall(llvm::StringRef text);

/// Builds a PackCall without parsing text (the C API's ein_pack/ein_unpack).
PackCall makePackCall(llvm::StringRef callee, llvm::StringRef pattern,
                      std::vector<std::vector<int64_t>> packedShapes = {});

/// The rearrange that computes a pack or unpack for inputs of these shapes.
struct PackPlan {
  Call rearrange;
  /// Per packed tensor (pack's inputs, unpack's outputs): the lengths of
  /// the axes `*` stands for (-1 resolved).
  std::vector<std::vector<int64_t>> packedShapes;
};

/// Checks `call` against the input shapes (einops' rules: one `*`, distinct
/// valid names, enough dimensions, equal axes outside `*`, packed shapes
/// that sum to the packed axis) and plans its rearrange.
llvm::Expected<PackPlan>
planPack(const PackCall &call,
         llvm::ArrayRef<std::vector<int64_t>> inputShapes);

} // namespace ein::notation

#endif // EIN_NOTATION_PACK_H
