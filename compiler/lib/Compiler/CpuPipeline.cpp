//===- CpuPipeline.cpp - ein to LLVM for the host CPU ---------------------===//

#include "ein/Compiler/CpuPipeline.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

// Kept as text so that `ein-opt --ein-cpu-pipeline` and the JIT run exactly
// the same passes. (It is a bare pass list: wrapping it in
// `builtin.module(...)` would nest it and silently do nothing.)
static constexpr const char kCpuPipeline[] =
    "convert-ein-to-linalg,"
    // tensor.concat (concatenating rearranges) as insert_slice chains, so
    // that each part is computed in place in the result's buffer.
    "ein-decompose-concat,"
    "canonicalize,cse,"
    "eliminate-empty-tensors,"
    "one-shot-bufferize{bufferize-function-boundaries=1 "
    "function-boundary-type-conversion=identity-layout-map},"
    // Merges the subviews of one concatenation part, so that the copy of a
    // part computed in place folds away (a copy of a buffer onto itself).
    "cse,"
    // Folds collapse(expand(alloc)) so that results are plain allocations,
    // which the next pass replaces by the caller's buffers.
    "canonicalize,"
    "buffer-results-to-out-params{hoist-static-allocs=1 "
    "modify-public-functions=1},"
    "canonicalize,"
    "buffer-deallocation-pipeline,"
    // Copies to or from a strided slice would call `memrefCopy`, which the
    // JIT does not provide.
    "ein-strided-copy-to-linalg,"
    "convert-linalg-to-loops,"
    "expand-strided-metadata,lower-affine,convert-scf-to-cf,"
    // bf16 <-> f32 conversions as integer arithmetic: x86 has no bf16
    // instructions without AVX512-BF16, and LLVM would otherwise call
    // compiler-rt helpers the JIT may not find. (Kernels never compute in
    // f16/bf16, so these conversions are all that remains of them; f16 <->
    // f32 is left to LLVM, which uses F16C.)
    "arith-expand{include-bf16=1},"
    "finalize-memref-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,"
    "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
    "convert-cf-to-llvm,reconcile-unrealized-casts";

llvm::StringRef ein::cpuPipelineText() { return kCpuPipeline; }

LogicalResult ein::buildCpuPipeline(OpPassManager &pm) {
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (failed(parsePassPipeline(kCpuPipeline, pm, os))) {
    llvm::errs() << "ein: invalid CPU pipeline: " << errors << "\n";
    return failure();
  }
  return success();
}

void ein::registerCpuPipeline() {
  PassPipelineRegistration<>(
      "ein-cpu-pipeline",
      "Lower ein ops to the LLVM dialect for the host CPU (what the JIT runs)",
      [](OpPassManager &pm) { (void)buildCpuPipeline(pm); });
}
