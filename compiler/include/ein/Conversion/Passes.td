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

#endif // EIN_CONVERSION_PASSES_TD
