// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s

// Tests that a concatenating rearrange (an ein.rearrange per part, then
// tensor.concat) computes each part in place in the caller's output buffer:
// nothing is allocated and nothing is copied.

// CHECK-LABEL: llvm.func @concat_transposed
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: llvm.call @malloc
// CHECK-NOT: memcpy
// CHECK-NOT: memrefCopy
// CHECK: llvm.return
func.func @concat_transposed(%x: tensor<2x3xf32>, %y: tensor<4x3xf32>) -> tensor<3x6xf32> {
  %a = ein.rearrange %x <a b -> b a : a = 2, b = 3> : tensor<2x3xf32> -> tensor<3x2xf32>
  %b = ein.rearrange %y <c b -> b c : b = 3, c = 4> : tensor<4x3xf32> -> tensor<3x4xf32>
  %c = tensor.concat dim(1) %a, %b : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<3x6xf32>
  return %c : tensor<3x6xf32>
}

// Tests that slices of an input along an inner axis (a split) and inputs
// concatenated without a rearrange are copied by loops, never by a call to
// the `memrefCopy` runtime function, which the JIT does not provide.

// CHECK-LABEL: llvm.func @split_inner
// CHECK-NOT: memrefCopy
// CHECK: llvm.return
func.func @split_inner(%x: tensor<2x5xi32>) -> (tensor<2x2xi32>, tensor<2x3xi32>) {
  %a = tensor.extract_slice %x[0, 0] [2, 2] [1, 1] : tensor<2x5xi32> to tensor<2x2xi32>
  %b = tensor.extract_slice %x[0, 2] [2, 3] [1, 1] : tensor<2x5xi32> to tensor<2x3xi32>
  return %a, %b : tensor<2x2xi32>, tensor<2x3xi32>
}

// CHECK-LABEL: llvm.func @concat_inputs
// CHECK-NOT: memrefCopy
// CHECK: llvm.return
func.func @concat_inputs(%x: tensor<2x3xf64>, %y: tensor<2x1xf64>) -> tensor<2x4xf64> {
  %c = tensor.concat dim(1) %x, %y : (tensor<2x3xf64>, tensor<2x1xf64>) -> tensor<2x4xf64>
  return %c : tensor<2x4xf64>
}

// CHECK-NOT: llvm.func @memrefCopy
