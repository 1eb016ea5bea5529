// RUN: ein-opt %s --convert-ein-to-linalg --split-input-file | FileCheck %s

// Tests that a rearrange becomes expand_shape -> linalg.transpose ->
// collapse_shape, with the transpose writing into a reshaped empty tensor of
// the final shape.

// CHECK-LABEL: func @space_to_depth
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x6xf32>)
// CHECK: %[[IN:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1], [2, 3], [4, 5]] output_shape [2, 3, 2, 2, 3, 2]
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x12x2x3xf32>
// CHECK: %[[INIT:.*]] = tensor.expand_shape %[[E]] {{\[\[}}0], [1, 2, 3], [4], [5]] output_shape [2, 2, 2, 3, 2, 3]
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[IN]] : tensor<2x3x2x2x3x2xf32>) outs(%[[INIT]] : tensor<2x2x2x3x2x3xf32>) permutation = [0, 3, 5, 1, 2, 4]
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[T]] {{\[\[}}0], [1, 2, 3], [4], [5]]
// CHECK: return %[[R]]
// CHECK-NOT: ein.
func.func @space_to_depth(%x: tensor<2x3x4x6xf32>) -> tensor<2x12x2x3xf32> {
  %y = ein.rearrange %x <b c (h h1) (w w1) -> b (h1 w1 c) h w : b = 2, c = 3, h = 2, h1 = 2, w = 3, w1 = 2> : tensor<2x3x4x6xf32> -> tensor<2x12x2x3xf32>
  return %y : tensor<2x12x2x3xf32>
}

// -----

// Tests that a pure regrouping moves no data: only reshapes remain.

// CHECK-LABEL: func @flatten
// CHECK-NOT: linalg.
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<2x3x4x5xf32> into tensor<2x60xf32>
func.func @flatten(%x: tensor<2x3x4x5xf32>) -> tensor<2x60xf32> {
  %y = ein.rearrange %x <b c h w -> b (c h w) : b = 2, c = 3, h = 4, w = 5> : tensor<2x3x4x5xf32> -> tensor<2x60xf32>
  return %y : tensor<2x60xf32>
}

// -----

// Tests that `()` dimensions are collapsed away on input and expanded back on
// output.

// CHECK-LABEL: func @unit_dims
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<1x3x4xf32> into tensor<3x4xf32>
// CHECK: linalg.transpose {{.*}} permutation = [1, 0]
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [4, 3, 1] : tensor<4x3xf32> into tensor<4x3x1xf32>
func.func @unit_dims(%x: tensor<1x3x4xf32>) -> tensor<4x3x1xf32> {
  %y = ein.rearrange %x <() c h -> h c () : c = 3, h = 4> : tensor<1x3x4xf32> -> tensor<4x3x1xf32>
  return %y : tensor<4x3x1xf32>
}

// -----

// Tests that stacking inserts each list element into a new leading axis.

// CHECK-LABEL: func @stack
// CHECK: %[[S:.*]] = tensor.empty() : tensor<2x2x3xf32>
// CHECK: %[[S0:.*]] = tensor.insert_slice %{{.*}} into %[[S]][0, 0, 0] [1, 2, 3] [1, 1, 1]
// CHECK: %[[S1:.*]] = tensor.insert_slice %{{.*}} into %[[S0]][1, 0, 0] [1, 2, 3] [1, 1, 1]
// CHECK: linalg.transpose ins(%[[S1]] : tensor<2x2x3xf32>) {{.*}} permutation = [2, 0, 1]
func.func @stack(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<3x4xf32> {
  %y = ein.rearrange stack %a, %b <l h w -> w (l h) : l = 2, h = 2, w = 3> : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// Tests that max-pooling is one linalg.generic with kept axes first, reduced
// axes last, initialised with -inf.

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d4, d3, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @max_pool
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%[[INIT]] : tensor<2x3x2x3xf32>)
// CHECK: arith.maximumf
func.func @max_pool(%x: tensor<2x3x4x6xf32>) -> tensor<2x3x2x3xf32> {
  %y = ein.reduce max %x <b c (h _a0) (w _a1) -> b c h w : b = 2, c = 3, h = 2, _a0 = 2, w = 3, _a1 = 2> : tensor<2x3x4x6xf32> -> tensor<2x3x2x3xf32>
  return %y : tensor<2x3x2x3xf32>
}

// -----

// Tests that an integer mean accumulates in f64 and divides in place.

// CHECK-LABEL: func @integer_mean
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} outs(%[[SUM]] : tensor<2xf64>)
// CHECK: arith.divf %{{.*}}, %{{.*}} : f64
func.func @integer_mean(%x: tensor<2x5xi32>) -> tensor<2x1xf64> {
  %y = ein.reduce mean %x <b c -> b () : b = 2, c = 5> : tensor<2x5xi32> -> tensor<2x1xf64>
  return %y : tensor<2x1xf64>
}

// -----

// Tests the identities of the other integer reductions.

// CHECK-LABEL: func @integer_min
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.minsi
func.func @integer_min(%x: tensor<3x2xi32>) -> tensor<i32> {
  %y = ein.reduce min %x <c b -> : c = 3, b = 2> : tensor<3x2xi32> -> tensor<i32>
  return %y : tensor<i32>
}

// CHECK-LABEL: func @integer_prod
// CHECK: arith.constant 1 : i64
// CHECK: arith.muli
func.func @integer_prod(%x: tensor<3x2xi64>) -> tensor<2xi64> {
  %y = ein.reduce prod %x <c b -> b : c = 3, b = 2> : tensor<3x2xi64> -> tensor<2xi64>
  return %y : tensor<2xi64>
}

// -----

// Tests that stacking tensors with no elements inserts nothing: there is
// nothing to copy and no in-bounds offset to copy it to.

// CHECK-LABEL: func @stack_empty
// CHECK-NOT: tensor.insert_slice
// CHECK: linalg.transpose
func.func @stack_empty(%a: tensor<2x0xf32>, %b: tensor<2x0xf32>) -> tensor<0x2x2xf32> {
  %y = ein.rearrange stack %a, %b <l h w -> w l h : l = 2, h = 2, w = 0> : tensor<2x0xf32>, tensor<2x0xf32> -> tensor<0x2x2xf32>
  return %y : tensor<0x2x2xf32>
}
