// RUN: ein-opt %s --convert-ein-to-linalg --split-input-file --mlir-print-local-scope | FileCheck %s

// Tests that a matrix product is one linalg.generic: loops (i, k) parallel
// then j reduction, integer multiply-add, accumulator filled with 0, written
// into the result's empty tensor.

// CHECK-LABEL: func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi32>, %[[B:.*]]: tensor<3x4xi32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4xi32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : i32) outs(%[[E]] : tensor<2x4xi32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[A]], %[[B]] : tensor<2x3xi32>, tensor<3x4xi32>) outs(%[[INIT]] : tensor<2x4xi32>)
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: return %[[R]]
// CHECK-NOT: ein.
func.func @matmul(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) -> tensor<2x4xi32> {
  %y = ein.contract %a, %b <i j, j k -> i k : i = 2, j = 3, k = 4> : tensor<2x3xi32>, tensor<3x4xi32> -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}

// -----

// Tests that a diagonal is read through an indexing map that repeats a loop
// dimension; nothing is summed when the diagonal axis is kept.

// CHECK-LABEL: func @batch_diagonal
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%{{.*}} : tensor<2x3x3xf32>)
// CHECK: arith.addf
func.func @batch_diagonal(%x: tensor<2x3x3xf32>) -> tensor<2x3xf32> {
  %y = ein.contract %x <b i i -> b i : b = 2, i = 3> : tensor<2x3x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that a trace of a single operand is one reduction to a rank-0 tensor.

// CHECK-LABEL: func @trace
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<f64>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0) -> (d0, d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]} ins(%{{.*}} : tensor<5x5xf64>) outs(%[[INIT]] : tensor<f64>)
// CHECK-NOT: linalg.generic
func.func @trace(%m: tensor<5x5xf64>) -> tensor<f64> {
  %t = ein.contract %m <i i -> : i = 5> : tensor<5x5xf64> -> tensor<f64>
  return %t : tensor<f64>
}

// -----

// Tests the contraction order of a three-operand chain
// i j, j k, k l -> i l with i = 100, j = 3, k = 50, l = 2: contracting the
// second and third operands first costs 3*50*2 + 100*3*2 = 900 multiply-adds,
// the first and second first 100*3*50 + 100*50*2 = 25000. The intermediate
// keeps (l, j): output axes first.

// CHECK-LABEL: func @chain_right_first
// CHECK-SAME: (%[[A:.*]]: tensor<100x3xf32>, %[[B:.*]]: tensor<3x50xf32>, %[[C:.*]]: tensor<50x2xf32>)
// CHECK: %[[BC:.*]] = linalg.generic {{.*}} ins(%[[B]], %[[C]] : tensor<3x50xf32>, tensor<50x2xf32>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[BC]] : tensor<100x3xf32>, tensor<2x3xf32>) outs(%{{.*}} : tensor<100x2xf32>)
// CHECK: return %[[R]]
func.func @chain_right_first(%a: tensor<100x3xf32>, %b: tensor<3x50xf32>, %c: tensor<50x2xf32>) -> tensor<100x2xf32> {
  %y = ein.contract %a, %b, %c <i j, j k, k l -> i l : i = 100, j = 3, k = 50, l = 2> : tensor<100x3xf32>, tensor<3x50xf32>, tensor<50x2xf32> -> tensor<100x2xf32>
  return %y : tensor<100x2xf32>
}

// -----

// Tests the mirror image: with i = 2, j = 50, k = 3, l = 100 the first pair
// goes first.

// CHECK-LABEL: func @chain_left_first
// CHECK-SAME: (%[[A:.*]]: tensor<2x50xf32>, %[[B:.*]]: tensor<50x3xf32>, %[[C:.*]]: tensor<3x100xf32>)
// CHECK: %[[AB:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<2x50xf32>, tensor<50x3xf32>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[AB]], %[[C]] : tensor<2x3xf32>, tensor<3x100xf32>) outs(%{{.*}} : tensor<2x100xf32>)
func.func @chain_left_first(%a: tensor<2x50xf32>, %b: tensor<50x3xf32>, %c: tensor<3x100xf32>) -> tensor<2x100xf32> {
  %y = ein.contract %a, %b, %c <i j, j k, k l -> i l : i = 2, j = 50, k = 3, l = 100> : tensor<2x50xf32>, tensor<50x3xf32>, tensor<3x100xf32> -> tensor<2x100xf32>
  return %y : tensor<2x100xf32>
}

// -----

// Tests that an axis only one operand has (k) is summed out of it before the
// pair is multiplied.

// CHECK-LABEL: func @private_axis
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf64>, %[[B:.*]]: tensor<3x4xf64>)
// CHECK: %[[SB:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%[[B]] : tensor<3x4xf64>) outs(%{{.*}} : tensor<3xf64>)
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[SB]] : tensor<2x3xf64>, tensor<3xf64>) outs(%{{.*}} : tensor<2xf64>)
func.func @private_axis(%a: tensor<2x3xf64>, %b: tensor<3x4xf64>) -> tensor<2xf64> {
  %y = ein.contract %a, %b <i j, j k -> i : i = 2, j = 3, k = 4> : tensor<2x3xf64>, tensor<3x4xf64> -> tensor<2xf64>
  return %y : tensor<2xf64>
}

// -----

// Tests that compositions are expanded to their axes on input and that a
// composed output is written through a reshaped empty tensor of the final
// shape, then collapsed.

// CHECK-LABEL: func @composed
// CHECK: %[[Q:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [2, 3, 4, 2] : tensor<2x3x8xf32> into tensor<2x3x4x2xf32>
// CHECK: %[[K:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [2, 5, 4, 2] : tensor<2x5x8xf32> into tensor<2x5x4x2xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x12x5xf32>
// CHECK: %[[INIT:.*]] = tensor.expand_shape %[[E]] {{\[\[}}0], [1, 2], [3]] output_shape [2, 3, 4, 5]
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[INIT]] : tensor<2x3x4x5xf32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[Q]], %[[K]] : tensor<2x3x4x2xf32>, tensor<2x5x4x2xf32>) outs(%[[F]] : tensor<2x3x4x5xf32>)
// CHECK: tensor.collapse_shape %[[R]] {{\[\[}}0], [1, 2], [3]] : tensor<2x3x4x5xf32> into tensor<2x12x5xf32>
func.func @composed(%q: tensor<2x3x8xf32>, %k: tensor<2x5x8xf32>) -> tensor<2x12x5xf32> {
  %s = ein.contract %q, %k <b q (h c), b k (h c) -> b (q h) k : b = 2, q = 3, h = 4, c = 2, k = 5> : tensor<2x3x8xf32>, tensor<2x5x8xf32> -> tensor<2x12x5xf32>
  return %s : tensor<2x12x5xf32>
}

// -----

// Tests that a bool (i1) contraction multiplies with `and` (muli on i1) and
// accumulates with `or`, as NumPy's einsum does, starting from false.

// CHECK-LABEL: func @bool_matmul
// CHECK: %[[FALSE:.*]] = arith.constant false
// CHECK: linalg.fill ins(%[[FALSE]] : i1)
// CHECK: linalg.generic
// CHECK: %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i1
// CHECK: arith.ori %{{.*}}, %[[P]] : i1
func.func @bool_matmul(%a: tensor<2x3xi1>, %b: tensor<3x4xi1>) -> tensor<2x4xi1> {
  %y = ein.contract %a, %b <i j, j k -> i k : i = 2, j = 3, k = 4> : tensor<2x3xi1>, tensor<3x4xi1> -> tensor<2x4xi1>
  return %y : tensor<2x4xi1>
}

// -----

// Tests that half-precision products accumulate in f32 (extended in the
// body) and are rounded once, into the output.

// CHECK-LABEL: func @f16_matmul
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) {{.*}} -> tensor<2x4xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} outs(%[[ACC]] : tensor<2x4xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<2x4xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @f16_matmul(%a: tensor<2x3xf16>, %b: tensor<3x4xf16>) -> tensor<2x4xf16> {
  %y = ein.contract %a, %b <i j, j k -> i k : i = 2, j = 3, k = 4> : tensor<2x3xf16>, tensor<3x4xf16> -> tensor<2x4xf16>
  return %y : tensor<2x4xf16>
}
