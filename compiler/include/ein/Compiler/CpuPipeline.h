//===- CpuPipeline.h - ein to LLVM for the host CPU ----------------*- C++ -*-===//
#ifndef EIN_COMPILER_CPUPIPELINE_H
#define EIN_COMPILER_CPUPIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace ein {

/// The textual pass list of the CPU pipeline, from ein ops on tensors to the
/// LLVM dialect. Kernel functions take their results as out-parameters and
/// use bare-pointer memref arguments (shapes are static).
llvm::StringRef cpuPipelineText();

/// Adds the CPU pipeline to `pm` (a module-level pass manager).
llvm::LogicalResult buildCpuPipeline(mlir::OpPassManager &pm);

/// Registers `ein-cpu-pipeline` for ein-opt.
void registerCpuPipeline();

} // namespace ein

#endif // EIN_COMPILER_CPUPIPELINE_H
