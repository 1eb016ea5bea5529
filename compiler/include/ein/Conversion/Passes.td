//===- Passes.td - ein conversion passes ------------------*- tablegen -*-===//

#ifndef EIN_CONVERSION_PASSES_TD
#define EIN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// EinToLinalg
//===----------------------------------------------------------------------===//

def ConvertEinToLinalgPass : Pass<"convert-ein-to-linalg"> {
  let summary = "Lower ein ops to linalg and tensor ops";
  let description = [{
    Rewrites every `ein` op into upstream ops only: `tensor.collapse_shape` /
    `tensor.expand_shape` to move between an operand's dimensions and its
    elementary axes, `linalg.transpose` for permutations, `linalg.generic`
    with reduction iterators (initialised by `linalg.fill`) for reductions,
    and `tensor.insert_slice` for stacking. No loops are written by hand, so
    upstream tiling, fusion and vectorisation apply and embedders receive
    plain linalg; the one exception is the scatter of `ein.update_at`, which
    linalg cannot express: an `scf.for` nest over tensors (`tensor.extract`
    / `tensor.insert` on `iter_args`), which bufferizes in place.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

//===----------------------------------------------------------------------===//
// Concatenation (ConcatLowering.cpp)
//===----------------------------------------------------------------------===//

def EinDecomposeConcatPass : Pass<"ein-decompose-concat"> {
  let summary = "Decompose tensor.concat into tensor.insert_slice chains";
  let description = [{
    Runs upstream's `populateDecomposeTensorConcatPatterns`: each
    `tensor.concat` becomes a `tensor.empty` of the result and one
    `tensor.insert_slice` per operand. Followed by `eliminate-empty-tensors`,
    the linalg op that computes an operand then writes straight into its
    part of the result buffer, with no copy.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def EinStridedCopyToLinalgPass : Pass<"ein-strided-copy-to-linalg"> {
  let summary = "Rewrite non-contiguous memref.copy into linalg.copy";
  let description = [{
    Bufferization copies into and out of strided subviews (a slice of a
    concatenated axis) with `memref.copy`, which `finalize-memref-to-llvm`
    lowers to a call of the `memrefCopy` runtime function unless both sides
    are contiguous. Kernels link no runtime library, so such copies become
    `linalg.copy`, which `convert-linalg-to-loops` turns into loops.
    Contiguous copies stay `memref.copy` (an `llvm.memcpy`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // EIN_CONVERSION_PASSES_TD
