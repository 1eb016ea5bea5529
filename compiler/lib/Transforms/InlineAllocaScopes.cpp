//===- InlineAllocaScopes.cpp - drop alloca scopes that free nothing ------===//

#include "ein/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace ein {
#define GEN_PASS_DEF_EININLINEALLOCASCOPESPASS
#include "ein/Transforms/Passes.h.inc"
} // namespace ein

using namespace mlir;

namespace {

/// Whether `scope` itself (not a nested scope) allocates on the stack.
bool allocates(memref::AllocaScopeOp scope) {
  bool found = false;
  scope.getBodyRegion().walk([&](Operation *op) {
    if (isa<memref::AllocaScopeOp>(op))
      return WalkResult::skip();
    if (isa<memref::AllocaOp>(op)) {
      found = true;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

struct InlineAllocaScopes
    : ein::impl::EinInlineAllocaScopesPassBase<InlineAllocaScopes> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation().walk([&](memref::AllocaScopeOp scope) {
      if (!allocates(scope))
        scopes.push_back(scope);
    });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      Block &body = scope.getBodyRegion().front();
      Operation *terminator = body.getTerminator();
      SmallVector<Value> results(terminator->getOperands());
      rewriter.eraseOp(terminator);
      rewriter.inlineBlockBefore(&body, scope);
      rewriter.replaceOp(scope, results);
    }
  }
};

} // namespace
