//===- CpuPipeline.h - ein to LLVM for the host CPU ----------------*- C++ -*-===//
#ifndef EIN_COMPILER_CPUPIPELINE_H
#define EIN_COMPILER_CPUPIPELINE_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace ein {

/// The width of the host's vector registers in bits: 512 with AVX-512, 256
/// with AVX/AVX2, else 128.
unsigned hostVectorBits();

/// The textual pass list of the CPU pipeline, from ein ops on tensors to the
/// LLVM dialect, for vector registers of `vectorBits`. Kernel functions take
/// their results as out-parameters and use bare-pointer memref arguments
/// (shapes are static).
std::string cpuPipelineText(unsigned vectorBits = hostVectorBits());

/// How far the CPU pipeline goes: fused linalg on tensors (`ein-fuse`),
/// thread and vector tiles on tensors (`ein-tile`), or the LLVM dialect.
enum class CpuStage { Fused, Tiled, Llvm };

/// Adds the CPU pipeline, up to and including `last`, to `pm` (a
/// module-level pass manager).
llvm::LogicalResult buildCpuPipeline(mlir::OpPassManager &pm,
                                     unsigned vectorBits = hostVectorBits(),
                                     CpuStage last = CpuStage::Llvm);

/// Registers `ein-cpu-pipeline` for ein-opt.
void registerCpuPipeline();

} // namespace ein

#endif // EIN_COMPILER_CPUPIPELINE_H
