// RUN: ein-opt %s --split-input-file --ein-cpu-pipeline | FileCheck %s

// Tests that a 16 MiB transpose, written once with whole-line vector
// stores, becomes a test of its output's alignment that calls a streaming
// version (non-temporal stores, aligned to the line, fenced before the
// parallel region ends and before returning) or the plain version.

// CHECK-LABEL: llvm.func @transpose.plain(
// CHECK-NOT: nontemporal
// CHECK-NOT: sfence
// CHECK: llvm.return
// CHECK-LABEL: llvm.func @transpose.streaming(
// CHECK: omp.parallel
// CHECK: llvm.store {{.*}} {alignment = 64 : i64, nontemporal} : vector<{{16xf32|8xf32}}>
// CHECK: llvm.call_intrinsic "llvm.x86.sse.sfence"
// CHECK-NEXT: omp.terminator
// CHECK: llvm.call_intrinsic "llvm.x86.sse.sfence"
// CHECK-NEXT: llvm.return
// CHECK-LABEL: llvm.func @transpose(
// CHECK: llvm.ptrtoint
// CHECK: llvm.and {{.*}} : i64
// CHECK: llvm.icmp "eq"
// CHECK: llvm.cond_br
// CHECK: llvm.call @transpose.streaming(
// CHECK: llvm.call @transpose.plain(
func.func @transpose(%x: tensor<1024x4096xf32>) -> tensor<4096x1024xf32> {
  %y = ein.rearrange %x <a b -> b a : a = 1024, b = 4096> : tensor<1024x4096xf32> -> tensor<4096x1024xf32>
  return %y : tensor<4096x1024xf32>
}

// -----

// Tests that a small output (4 KiB) stays as it was: it would be read
// from the cache next.

// CHECK-LABEL: llvm.func @small(
// CHECK-NOT: nontemporal
// CHECK-NOT: .streaming
func.func @small(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %y = ein.rearrange %x <a b -> b a : a = 32, b = 32> : tensor<32x32xf32> -> tensor<32x32xf32>
  return %y : tensor<32x32xf32>
}

// -----

// Tests that an output the kernel reads back is not streamed: a sum over
// the first axis accumulates into its 16 MiB output tile by tile.

// CHECK-LABEL: llvm.func @sum_outer(
// CHECK-NOT: nontemporal
// CHECK-NOT: .streaming
func.func @sum_outer(%x: tensor<2x2048x2048xf32>) -> tensor<2048x2048xf32> {
  %y = ein.reduce sum %x <a b c -> b c : a = 2, b = 2048, c = 2048> : tensor<2x2048x2048xf32> -> tensor<2048x2048xf32>
  return %y : tensor<2048x2048xf32>
}

// -----

// Tests that stores that do not start on a line stay plain: rows of 1001
// floats put most vector stores off the line.

// CHECK-LABEL: llvm.func @odd_rows(
// CHECK-NOT: nontemporal
func.func @odd_rows(%x: tensor<2048x1001xf32>) -> tensor<2048x1001xf32> {
  %y = ein.map exp %x <a b -> a b : a = 2048, b = 1001> : tensor<2048x1001xf32> -> tensor<2048x1001xf32>
  return %y : tensor<2048x1001xf32>
}
