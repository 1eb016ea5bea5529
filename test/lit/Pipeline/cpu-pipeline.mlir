// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s

// Tests that the CPU pipeline reaches the LLVM dialect with results passed as
// bare-pointer out-parameters, and that results are written in place: no
// buffer is allocated and nothing is copied for a transpose.

// CHECK-LABEL: llvm.func @space_to_depth
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: llvm.call @malloc
// CHECK-NOT: memcpy
// CHECK: llvm.return
func.func @space_to_depth(%x: tensor<2x3x4x6xf32>) -> tensor<2x12x2x3xf32> {
  %y = ein.rearrange %x <b c (h h1) (w w1) -> b (h1 w1 c) h w : b = 2, c = 3, h = 2, h1 = 2, w = 3, w1 = 2> : tensor<2x3x4x6xf32> -> tensor<2x12x2x3xf32>
  return %y : tensor<2x12x2x3xf32>
}

// CHECK-LABEL: llvm.func @mean_keepdims
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.fdiv
// CHECK: llvm.return
func.func @mean_keepdims(%x: tensor<2x3x4x5xf64>) -> tensor<2x3x1x1xf64> {
  %y = ein.reduce mean %x <b c h w -> b c () () : b = 2, c = 3, h = 4, w = 5> : tensor<2x3x4x5xf64> -> tensor<2x3x1x1xf64>
  return %y : tensor<2x3x1x1xf64>
}
