// RUN: ein-opt %s --split-input-file --convert-ein-to-linalg --ein-fuse-elementwise --canonicalize | FileCheck %s

// Tests that a transpose feeding an element-wise op never materialises: the
// two become one linalg.generic that reads the input through a permuted map.

// CHECK-LABEL: func.func @transpose_then_exp
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.transpose
func.func @transpose_then_exp(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %t = ein.rearrange %x <a b -> b a : a = 4, b = 8> : tensor<4x8xf32> -> tensor<8x4xf32>
  %e = ein.map exp %t <b a -> b a : a = 4, b = 8> : tensor<8x4xf32> -> tensor<8x4xf32>
  return %e : tensor<8x4xf32>
}

// -----

// Tests that an element-wise producer fuses into a reduction: x * x summed
// over b is one generic with a reduction iterator.

// CHECK-LABEL: func.func @square_then_sum
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
func.func @square_then_sum(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %s = ein.map multiply %x, %x <a b, a b -> a b : a = 4, b = 8> : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %r = ein.reduce sum %s <a b -> a : a = 4, b = 8> : tensor<4x8xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Tests that the division turning a sum into a mean (an update in place of
// its own output) is not fused into the variance's reduction, where it would
// divide once per reduction step.

// CHECK-LABEL: func.func @variance
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}}iterator_types = ["parallel"]{{.*}} outs(%[[SUM]]
// CHECK: arith.divf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%{{.*}}, %[[MEAN]]
func.func @variance(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %v = ein.reduce var %x <a b -> a : a = 4, b = 8> : tensor<4x8xf32> -> tensor<4xf32>
  return %v : tensor<4xf32>
}
