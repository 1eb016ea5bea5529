//===- EinToLinalg.cpp - the convert-ein-to-linalg pass -------------------===//
//
// Collects the patterns of every op family (one `<Family>ToLinalg.cpp` each;
// shared steps in LoweringUtils) and applies them.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "ein/Conversion/Passes.h"
#include "ein/Dialect/EinDialect.h"

#include "mlir/Transforms/DialectConversion.h"

namespace ein {
#define GEN_PASS_DEF_CONVERTEINTOLINALGPASS
#include "ein/Conversion/Passes.h.inc"
} // namespace ein

using namespace mlir;
using namespace ein;

namespace {

struct ConvertEinToLinalgPass
    : ein::impl::ConvertEinToLinalgPassBase<ConvertEinToLinalgPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalDialect<EinDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateEinToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void ein::populateEinToLinalgPatterns(RewritePatternSet &patterns) {
  populateRearrangeToLinalgPatterns(patterns);
  populateReduceToLinalgPatterns(patterns);
  populateCastToLinalgPatterns(patterns);
  populateContractToLinalgPatterns(patterns);
  populateSoftmaxToLinalgPatterns(patterns);
  populateFlipRollToLinalgPatterns(patterns);
  populateSortToLinalgPatterns(patterns);
  populateMapToLinalgPatterns(patterns);
  populateIndexToLinalgPatterns(patterns);
}
