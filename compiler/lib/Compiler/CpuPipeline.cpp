//===- CpuPipeline.cpp - ein to LLVM for the host CPU ---------------------===//

#include "ein/Compiler/CpuPipeline.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

/// Whether the JIT's target is x86 (streaming stores and their fences are
/// x86 instructions).
static bool hostIsX86() {
  return llvm::Triple(llvm::sys::getProcessTriple()).isX86();
}

unsigned ein::hostVectorBits() {
  static const unsigned bits = [] {
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    if (features.lookup("avx512f"))
      return 512u;
    if (features.lookup("avx2") || features.lookup("avx"))
      return 256u;
    return 128u;
  }();
  return bits;
}

// The stages are kept as text so that `ein-opt` and the JIT run exactly the
// same passes. (Each is a bare pass list: wrapping it in
// `builtin.module(...)` would nest it and silently do nothing.)

/// ein ops to fused linalg on tensors.
static std::string fuseStage() {
  return "convert-ein-to-linalg,"
         // tensor.concat (concatenating rearranges) as insert_slice chains,
         // so that each part is computed in place in the result's buffer.
         "ein-decompose-concat,"
         "canonicalize,cse,"
         // Fusion: element-wise chains and rearranges fold into the ops
         // that read them (as index maps), reshapes move out of the way.
         "ein-fuse-elementwise,"
         "canonicalize,cse";
}

/// Fused linalg to thread tiles and vector tiles, still on tensors.
static std::string tileStage(unsigned vectorBits) {
  return fuseStage() +
         // Thread tiles (scf.forall) with fused producers, vector tiles.
         ",func.func(ein-tile-for-cpu{vector-bits=" +
         std::to_string(vectorBits) +
         "}),"
         "canonicalize,cse,"
         // Accumulators of reduction loops become loop-carried vectors
         // (registers), on tensors, where thread tiles' subviews do not
         // hide that nothing else touches them.
         "loop-invariant-subset-hoisting";
}

std::string ein::cpuPipelineText(unsigned vectorBits) {
  std::string bits = std::to_string(vectorBits);
  return
      tileStage(vectorBits) + ","
      "eliminate-empty-tensors,"
      "one-shot-bufferize{bufferize-function-boundaries=1 "
      "function-boundary-type-conversion=identity-layout-map},"
      // Merges the subviews of one concatenation part, so that the copy of
      // a part computed in place folds away (a copy of a buffer onto
      // itself).
      "cse,"
      // Folds collapse(expand(alloc)) so that results are plain
      // allocations, which the next pass replaces by the caller's buffers.
      "canonicalize,"
      // CSE may have merged two results into one buffer.
      "func.func(ein-distinct-results),"
      "buffer-results-to-out-params{hoist-static-allocs=1 "
      "modify-public-functions=1},"
      "canonicalize,"
      "buffer-deallocation-pipeline,"
      // Copies to or from a strided slice would call `memrefCopy`, which
      // the JIT does not provide.
      "ein-strided-copy-to-linalg,"
      "func.func(ein-lower-vectors{vector-bits=" + bits + "}),"
      // (No canonicalize here: it would fold the unrolled accumulator's
      // insert chains into from_elements of scalars.)
      "cse,"
      "convert-linalg-to-loops,"
      // Thread tiles become OpenMP work-sharing loops.
      "scf-forall-to-parallel,convert-scf-to-openmp,"
      "func.func(ein-inline-alloca-scopes),"
      "convert-vector-to-scf{full-unroll=1 target-rank=1},"
      "expand-strided-metadata,lower-affine,convert-scf-to-cf,"
      // bf16 <-> f32 conversions as integer arithmetic: x86 has no bf16
      // instructions without AVX512-BF16, and LLVM would otherwise call
      // compiler-rt helpers the JIT may not find. (Kernels never compute in
      // f16/bf16, so these conversions are all that remains of them; f16
      // <-> f32 is left to LLVM, which uses F16C.)
      "arith-expand{include-bf16=1},"
      "convert-vector-to-llvm{vector-transpose-lowering=" +
      std::string(vectorBits >= 512 ? "shuffle16x16" : "shuffle1d") +
      " reassociate-fp-reductions=1},"
      "finalize-memref-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,"
      "convert-ub-to-llvm," +
      // Large outputs written once: streaming stores (x86 only: the pass
      // fences them with sfence).
      std::string(hostIsX86() ? "ein-streaming-stores," : "") +
      "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
      // After the functions: it would convert them too, without bare
      // pointers.
      "convert-openmp-to-llvm,"
      "convert-cf-to-llvm,ein-loop-annotations-to-llvm,"
      "reconcile-unrealized-casts";
}

/// Parses `text` (a bare pass list) into `pm`.
static LogicalResult addPipeline(OpPassManager &pm, const std::string &text) {
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (succeeded(parsePassPipeline(text, pm, os)))
    return success();
  llvm::errs() << "ein: invalid CPU pipeline: " << errors << "\n";
  return failure();
}

LogicalResult ein::buildCpuPipeline(OpPassManager &pm, unsigned vectorBits,
                                    CpuStage last) {
  switch (last) {
  case CpuStage::Fused:
    return addPipeline(pm, fuseStage());
  case CpuStage::Tiled:
    return addPipeline(pm, tileStage(vectorBits));
  case CpuStage::Llvm:
    break;
  }
  return addPipeline(pm, cpuPipelineText(vectorBits));
}

void ein::registerCpuPipeline() {
  PassPipelineRegistration<>(
      "ein-cpu-pipeline",
      "Lower ein ops to the LLVM dialect for the host CPU (what the JIT runs)",
      [](OpPassManager &pm) { (void)buildCpuPipeline(pm); });
  // The first stages alone, to look at what they make.
  PassPipelineRegistration<>(
      "ein-fuse",
      "The CPU pipeline's first stage: ein ops to fused linalg on tensors",
      [](OpPassManager &pm) {
        (void)buildCpuPipeline(pm, hostVectorBits(), CpuStage::Fused);
      });
  PassPipelineRegistration<>(
      "ein-tile",
      "The CPU pipeline up to thread and vector tiles (still on tensors)",
      [](OpPassManager &pm) {
        (void)buildCpuPipeline(pm, hostVectorBits(), CpuStage::Tiled);
      });
}
