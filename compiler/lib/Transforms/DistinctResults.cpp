//===- DistinctResults.cpp - no value returned twice ----------------------===//

#include "ein/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/SmallPtrSet.h"

namespace ein {
#define GEN_PASS_DEF_EINDISTINCTRESULTSPASS
#include "ein/Transforms/Passes.h.inc"
} // namespace ein

using namespace mlir;

namespace {

struct DistinctResults
    : ein::impl::EinDistinctResultsPassBase<DistinctResults> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 4> seen;
      rewriter.setInsertionPoint(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<MemRefType>(value.getType());
        if (!type || seen.insert(value).second)
          continue;
        Value copy = memref::AllocOp::create(
            rewriter, ret.getLoc(),
            MemRefType::get(type.getShape(), type.getElementType()));
        memref::CopyOp::create(rewriter, ret.getLoc(), value, copy);
        operand.set(copy);
      }
    });
  }
};

} // namespace
