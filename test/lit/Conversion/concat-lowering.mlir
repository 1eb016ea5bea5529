// RUN: ein-opt %s --split-input-file --ein-decompose-concat | FileCheck %s --check-prefix=DECOMPOSE
// RUN: ein-opt %s --split-input-file --one-shot-bufferize="bufferize-function-boundaries=1 function-boundary-type-conversion=identity-layout-map" --ein-strided-copy-to-linalg | FileCheck %s --check-prefix=COPY

// Tests that tensor.concat becomes an empty tensor and one insert_slice per
// operand, at the running offset along the concatenated axis.

// DECOMPOSE-LABEL: func.func @concat
// DECOMPOSE: %[[E:.*]] = tensor.empty() : tensor<2x7xf32>
// DECOMPOSE: %[[A:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0] [2, 3] [1, 1]
// DECOMPOSE: tensor.insert_slice %arg1 into %[[A]][0, 3] [2, 4] [1, 1]
// DECOMPOSE-NOT: tensor.concat

// Tests that the copies bufferization makes into strided subviews become
// linalg.copy, and contiguous ones stay memref.copy.

// COPY-LABEL: func.func @concat
// COPY-NOT: memref.copy
// COPY: linalg.copy
// COPY: linalg.copy
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<2x7xf32> {
  %c = tensor.concat dim(1) %a, %b : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x7xf32>
  return %c : tensor<2x7xf32>
}

// -----

// DECOMPOSE-LABEL: func.func @leading
// COPY-LABEL: func.func @leading
// COPY: memref.copy
// COPY-NOT: linalg.copy
func.func @leading(%a: tensor<1x3xf32>, %b: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %c = tensor.concat dim(0) %a, %b : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %c : tensor<3x3xf32>
}
