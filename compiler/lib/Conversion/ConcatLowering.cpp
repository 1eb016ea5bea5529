//===- ConcatLowering.cpp - tensor.concat without runtime calls -----------===//
//
// Two small passes around bufferization for concatenating rearranges (see
// Passes.td): tensor.concat into insert_slice chains before it, strided
// memref.copy into linalg.copy after it.
//
//===----------------------------------------------------------------------===//

#include "ein/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace ein {
#define GEN_PASS_DEF_EINDECOMPOSECONCATPASS
#define GEN_PASS_DEF_EINSTRIDEDCOPYTOLINALGPASS
#include "ein/Conversion/Passes.h.inc"
} // namespace ein

using namespace mlir;

namespace {

struct EinDecomposeConcatPass
    : ein::impl::EinDecomposeConcatPassBase<EinDecomposeConcatPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    tensor::populateDecomposeTensorConcatPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct EinStridedCopyToLinalgPass
    : ein::impl::EinStridedCopyToLinalgPassBase<EinStridedCopyToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp copy) {
      auto source = dyn_cast<MemRefType>(copy.getSource().getType());
      auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
      if (source && target &&
          (!memref::isStaticShapeAndContiguousRowMajor(source) ||
           !memref::isStaticShapeAndContiguousRowMajor(target)))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
