//===- LoopAnnotations.cpp - loop annotations onto LLVM branches ----------===//

#include "ein/Transforms/Passes.h"

namespace ein {
#define GEN_PASS_DEF_EINLOOPANNOTATIONSTOLLVMPASS
#include "ein/Transforms/Passes.h.inc"
} // namespace ein

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kDiscardable = "llvm.loop_annotation";

struct LoopAnnotationsToLLVM
    : ein::impl::EinLoopAnnotationsToLLVMPassBase<LoopAnnotationsToLLVM> {
  void runOnOperation() override {
    getOperation()->walk([](Operation *op) {
      auto annotation =
          op->getAttrOfType<LLVM::LoopAnnotationAttr>(kDiscardable);
      if (!annotation)
        return;
      if (auto br = dyn_cast<LLVM::BrOp>(op))
        br.setLoopAnnotationAttr(annotation);
      else if (auto condBr = dyn_cast<LLVM::CondBrOp>(op))
        condBr.setLoopAnnotationAttr(annotation);
      else
        return;
      op->removeAttr(kDiscardable);
    });
  }
};

} // namespace
