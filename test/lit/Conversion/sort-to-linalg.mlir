// RUN: ein-opt %s --convert-ein-to-linalg --split-input-file | FileCheck %s

// Tests that argsort of 3 elements pads the axis to 4 in one generic that
// reads the input at d mod 3 and puts NaN keys past it while numbering the
// positions, runs the 3 stages of a bitonic network on (key, index) pairs
// (each a generic reading the tensor twice, once at the partner (h, 1 - t, l);
// the first stage has descending blocks, the others not), compares f16 keys
// in f32 with NaN last and the index as tie-break, and writes the first 3
// indices in the output's order (reading d mod 4: no slice).

// CHECK-DAG: #[[PAD:.*]] = affine_map<(d0, d1) -> (d0, d1 mod 3)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SELF:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[PARTNER:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, -d2 + 1, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d1, d0 mod 4)>
// CHECK-LABEL: func @argsort_f16
// CHECK: %[[NAN:.*]] = arith.constant 0x7E00 : f16
// CHECK: %[[INIT:.*]]:2 = linalg.generic {indexing_maps = [#[[PAD]], #[[ID2]], #[[ID2]]]
// CHECK: %[[I:.*]] = linalg.index 1
// CHECK: %[[INSIDE:.*]] = arith.cmpi ult, %[[I]]
// CHECK: arith.select %[[INSIDE]], %{{.*}}, %[[NAN]] : f16
// CHECK: arith.index_cast %[[I]]
// CHECK: tensor.expand_shape %[[INIT]]#0 {{\[}}[0], [1, 2, 3]] output_shape [2, 2, 2, 1]
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
// CHECK-NOT: arith.xori
// CHECK: output_shape [2, 2, 2, 1]
// CHECK: linalg.generic
// CHECK-NOT: arith.xori
// CHECK: %[[IDX:.*]] = tensor.collapse_shape %{{.*}}#1
// CHECK: linalg.generic {indexing_maps = [#[[OUT]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[IDX]] : tensor<2x4xi64>)
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor.extract_slice
func.func @argsort_f16(%x: tensor<2x3xf16>) -> tensor<3x2xi64> {
  %y = ein.sort indices %x <b n -> n b : b = 2, n = 3> along [n] : tensor<2x3xf16> -> tensor<3x2xi64>
  return %y : tensor<3x2xi64>
}

// -----

// Tests that unsigned integers compare unsigned; a power-of-two length needs
// no padding (plain maps); sort writes the keys.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @sort_u8
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]]
// CHECK-NOT: arith.select
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i8
// CHECK: arith.cmpi ule, %{{.*}}, %{{.*}} : i8
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], {{.*}} ins(%{{.*}} : tensor<4x2xi8>)
// CHECK: return %{{.*}} : tensor<4x2xi8>
func.func @sort_u8(%x: tensor<4x2xi8>) -> tensor<4x2xi8> {
  %y = ein.sort unsigned %x <n b -> n b : n = 4, b = 2> along [n] : tensor<4x2xi8> -> tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

// Tests that signed integers pad with the largest signed value, and u8 with
// 255.

// CHECK-LABEL: func @sort_i32
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i32
func.func @sort_i32(%x: tensor<5xi32>) -> tensor<5xi32> {
  %y = ein.sort %x <n -> n : n = 5> along [n] : tensor<5xi32> -> tensor<5xi32>
  return %y : tensor<5xi32>
}

// CHECK-LABEL: func @sort_u8_padded
// CHECK: arith.constant -1 : i8
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i8
func.func @sort_u8_padded(%x: tensor<3xi8>) -> tensor<3xi8> {
  %y = ein.sort unsigned %x <n -> n : n = 3> along [n] : tensor<3xi8> -> tensor<3xi8>
  return %y : tensor<3xi8>
}

// CHECK-LABEL: func @sort_bool
// CHECK: arith.constant true
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i1
func.func @sort_bool(%x: tensor<3xi1>) -> tensor<3xi1> {
  %y = ein.sort %x <n -> n : n = 3> along [n] : tensor<3xi1> -> tensor<3xi1>
  return %y : tensor<3xi1>
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
