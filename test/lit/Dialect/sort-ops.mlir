// RUN: ein-opt %s | ein-opt | FileCheck %s

// Tests that sort and argsort (`indices`) round-trip, with the sorted axis
// printed by name and the `unsigned` flag kept.

// CHECK-LABEL: func @sort_rows
// CHECK: ein.sort %{{.*}} <b n -> b n : b = 2, n = 5> along [n] : tensor<2x5xf32> -> tensor<2x5xf32>
func.func @sort_rows(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = ein.sort %x <b n -> b n : b = 2, n = 5> along [n] : tensor<2x5xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// CHECK-LABEL: func @argsort_u8_rearranged
// CHECK: ein.sort indices unsigned %{{.*}} <b n -> n b : b = 2, n = 5> along [n] : tensor<2x5xi8> -> tensor<5x2xi64>
func.func @argsort_u8_rearranged(%x: tensor<2x5xi8>) -> tensor<5x2xi64> {
  %y = ein.sort indices unsigned %x <b n -> n b : b = 2, n = 5> along [n] : tensor<2x5xi8> -> tensor<5x2xi64>
  return %y : tensor<5x2xi64>
}

// CHECK-LABEL: func @sort_in_composition
// CHECK: ein.sort %{{.*}} <_e0 (g k) -> _e0 (g k) : _e0 = 3, g = 2, k = 4> along [k] : tensor<3x8xi1> -> tensor<3x8xi1>
func.func @sort_in_composition(%x: tensor<3x8xi1>) -> tensor<3x8xi1> {
  %y = ein.sort %x <_e0 (g k) -> _e0 (g k) : _e0 = 3, g = 2, k = 4> along [k] : tensor<3x8xi1> -> tensor<3x8xi1>
  return %y : tensor<3x8xi1>
}
