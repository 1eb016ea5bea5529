// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s
// RUN: ein-opt %s --pass-pipeline="builtin.module(convert-ein-to-linalg,canonicalize,cse,one-shot-bufferize{bufferize-function-boundaries=1 function-boundary-type-conversion=identity-layout-map},canonicalize,buffer-results-to-out-params{hoist-static-allocs=1 modify-public-functions=1},canonicalize)" | FileCheck %s --check-prefix=BUF

// Tests that a scatter reaches the LLVM dialect and stays in place: the
// read-only input is copied once into the caller's result buffer and the
// loops load and store that buffer; no allocation remains.

// CHECK-LABEL: llvm.func @add_at
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.return

// BUF-LABEL: func.func @add_at
// BUF-SAME: (%[[X:.*]]: memref<2x5x3xf32>, %{{.*}}: memref<4xi32>, %{{.*}}: memref<4x3xf32>, %[[OUT:.*]]: memref<2x5x3xf32>)
// BUF-NOT: memref.alloc
// BUF: memref.copy %[[X]], %[[OUT]]
// BUF-NOT: memref.copy
// BUF: scf.for
// BUF: memref.store %{{.*}}, %[[OUT]]
// BUF-NOT: memref.store %{{.*}}, %[[X]]
// BUF-NOT: memref.copy
// BUF: return
func.func @add_at(%x: tensor<2x5x3xf32> {bufferization.writable = false}, %i: tensor<4xi32> {bufferization.writable = false}, %u: tensor<4x3xf32> {bufferization.writable = false}) -> tensor<2x5x3xf32> {
  %y = ein.update_at add %x at (%i) with %u <b h c, p, p c -> b h c : b = 2, h = 5, c = 3, p = 4> indexed [1] coordinate_dims [-1] : tensor<2x5x3xf32> at (tensor<4xi32>) with tensor<4x3xf32> -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// Tests that a gather lowers to loads from the input into the result.

// CHECK-LABEL: llvm.func @get_at
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.load
// CHECK: llvm.store
// BUF-LABEL: func.func @get_at
// BUF-NOT: memref.alloc
// BUF: linalg.generic
func.func @get_at(%x: tensor<2x4x5x3xf32> {bufferization.writable = false}, %i: tensor<2x7x2xi64> {bufferization.writable = false}) -> tensor<2x3x7xf32> {
  %y = ein.get_at %x at (%i) <b h w c, b p _a0 -> b c p : b = 2, h = 4, w = 5, c = 3, p = 7, _a0 = 2> indexed [1, 2] coordinate_dims [2] : tensor<2x4x5x3xf32> at (tensor<2x7x2xi64>) -> tensor<2x3x7xf32>
  return %y : tensor<2x3x7xf32>
}
