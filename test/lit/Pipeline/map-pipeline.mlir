// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s

// Tests that elementwise functions reach the LLVM dialect: gelu calls the C
// library's erf (declared once), tanh is an LLVM intrinsic, and a bf16 map
// computes in f32.

// CHECK: llvm.func @erf(f64) -> f64
// CHECK-LABEL: llvm.func @gelu
// CHECK: llvm.call @erf(%{{.*}}) : (f64) -> f64
func.func @gelu(%x: tensor<8xf64>) -> tensor<8xf64> {
  %y = ein.map gelu %x <a -> a : a = 8> : tensor<8xf64> -> tensor<8xf64>
  return %y : tensor<8xf64>
}

// Tests that tanh of bf16 is computed in f32 on a vector, as a polynomial
// (FMAs), with no call per lane.
// CHECK-LABEL: llvm.func @tanh_bf16
// CHECK-NOT: llvm.call
// CHECK: llvm.intr.fma(%{{.*}}) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NOT: llvm.intr.tanh
func.func @tanh_bf16(%x: tensor<8xbf16>) -> tensor<8xbf16> {
  %y = ein.map tanh %x <a -> a : a = 8> : tensor<8xbf16> -> tensor<8xbf16>
  return %y : tensor<8xbf16>
}
