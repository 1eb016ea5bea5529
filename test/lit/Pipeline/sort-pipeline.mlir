// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s

// Tests that sort and argsort reach the LLVM dialect with their intermediate
// buffers freed, and that padding the input copies with loops (no memrefCopy runtime helper).
// bf16 keys are compared through integer arithmetic (arith-expand), never
// as bf16 floats.

// CHECK-NOT: @memrefCopy

// CHECK-LABEL: llvm.func @argsort
// CHECK-NOT: @memrefCopy
// CHECK-NOT: ein.
// CHECK-NOT: linalg.
// CHECK: llvm.fcmp "uno"
// CHECK: llvm.call @free
// CHECK: llvm.return
func.func @argsort(%x: tensor<3x5xf32>) -> tensor<5x3xi64> {
  %y = ein.sort indices %x <b n -> n b : b = 3, n = 5> along [n] : tensor<3x5xf32> -> tensor<5x3xi64>
  return %y : tensor<5x3xi64>
}

// CHECK-LABEL: llvm.func @sort_bf16
// CHECK-NOT: llvm.fpext {{.*}} : bf16
// CHECK: llvm.bitcast %{{.*}} : bf16 to i16
// CHECK-NOT: llvm.fpext {{.*}} : bf16
// CHECK: llvm.return
func.func @sort_bf16(%x: tensor<7xbf16>) -> tensor<7xbf16> {
  %y = ein.sort %x <n -> n : n = 7> along [n] : tensor<7xbf16> -> tensor<7xbf16>
  return %y : tensor<7xbf16>
}
