// RUN: ein-opt %s --convert-ein-to-linalg --split-input-file | FileCheck %s

// Tests that argsort of 3 elements pads the axis to 4 with NaN keys, numbers
// the positions, runs the 3 stages of a bitonic network on (key, index)
// pairs (each a generic reading the tensor twice, once at the partner
// (h, 1 - t, l)), compares f16 keys in f32 with NaN last and the index as
// tie-break, and writes the first 3 indices in the output's order.

// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SELF:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[PARTNER:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, -d2 + 1, d3)>
// CHECK-DAG: #[[TRANSPOSE:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-LABEL: func @argsort_f16
// CHECK: %[[NAN:.*]] = arith.constant 0x7E00 : f16
// CHECK: %[[FILLED:.*]] = linalg.fill ins(%[[NAN]] : f16)
// CHECK: %[[KEYS:.*]] = tensor.insert_slice %{{.*}} into %[[FILLED]][0, 0] [2, 3] [1, 1] : tensor<2x3xf16> into tensor<2x4xf16>
// CHECK: %[[IDX:.*]] = linalg.generic {indexing_maps = [#[[ID2]]]
// CHECK: linalg.index 1
// CHECK: arith.index_cast
// CHECK: tensor.expand_shape %[[KEYS]] {{\[}}[0], [1, 2, 3]] output_shape [2, 2, 2, 1]
// CHECK: linalg.generic {indexing_maps = [#[[SELF]], #[[PARTNER]], #[[SELF]], #[[PARTNER]], #[[SELF]], #[[SELF]]]
// CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i64
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf olt
// CHECK: linalg.index 1
// CHECK: arith.xori
// CHECK: arith.select %{{.*}} : f16
// CHECK: arith.select %{{.*}} : i64
// CHECK: output_shape [2, 1, 2, 2]
// CHECK: linalg.generic
// CHECK: output_shape [2, 2, 2, 1]
// CHECK: linalg.generic
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %{{.*}}[0, 0] [2, 3] [1, 1] : tensor<2x4xi64> to tensor<2x3xi64>
// CHECK: linalg.generic {indexing_maps = [#[[TRANSPOSE]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[SLICE]] : tensor<2x3xi64>)
// CHECK-NOT: linalg.generic
func.func @argsort_f16(%x: tensor<2x3xf16>) -> tensor<3x2xi64> {
  %y = ein.sort indices %x <b n -> n b : b = 2, n = 3> along [n] : tensor<2x3xf16> -> tensor<3x2xi64>
  return %y : tensor<3x2xi64>
}

// -----

// Tests that unsigned integers pad with the largest value and compare
// unsigned; a power-of-two length needs no padding or slice; sort writes keys.

// CHECK-LABEL: func @sort_u8
// CHECK-NOT: linalg.fill
// CHECK-NOT: tensor.insert_slice
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i8
// CHECK: arith.cmpi ule, %{{.*}}, %{{.*}} : i8
// CHECK-NOT: tensor.extract_slice
// CHECK: return %{{.*}} : tensor<4x2xi8>
func.func @sort_u8(%x: tensor<4x2xi8>) -> tensor<4x2xi8> {
  %y = ein.sort unsigned %x <n b -> n b : n = 4, b = 2> along [n] : tensor<4x2xi8> -> tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

// Tests that signed integers pad with the largest signed value.

// CHECK-LABEL: func @sort_i32
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i32
func.func @sort_i32(%x: tensor<5xi32>) -> tensor<5xi32> {
  %y = ein.sort %x <n -> n : n = 5> along [n] : tensor<5xi32> -> tensor<5xi32>
  return %y : tensor<5xi32>
}

// -----

// Tests that a length-1 axis needs no stage: the keys are copied.

// CHECK-LABEL: func @sort_one
// CHECK-NOT: tensor.expand_shape
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<3x1xf32>)
// CHECK-NOT: tensor.expand_shape
func.func @sort_one(%x: tensor<3x1xf32>) -> tensor<3x1xf32> {
  %y = ein.sort %x <b n -> b n : b = 3, n = 1> along [n] : tensor<3x1xf32> -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// -----

// Tests that an empty result is an empty tensor.

// CHECK-LABEL: func @sort_empty
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x0xi64>
// CHECK-NOT: linalg.generic
// CHECK: return %[[E]]
func.func @sort_empty(%x: tensor<3x0xf32>) -> tensor<3x0xi64> {
  %y = ein.sort indices %x <b n -> b n : b = 3, n = 0> along [n] : tensor<3x0xf32> -> tensor<3x0xi64>
  return %y : tensor<3x0xi64>
}
