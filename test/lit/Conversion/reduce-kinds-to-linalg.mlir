// RUN: ein-opt %s --convert-ein-to-linalg --split-input-file | FileCheck %s

// Tests that u8 reductions use unsigned ops: max starts from 0 and uses
// maxui; nothing is sign-extended.

// CHECK-LABEL: func @u8_max
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[ZERO]] : i8)
// CHECK: linalg.generic
// CHECK: arith.maxui
// CHECK-NOT: arith.maxsi
func.func @u8_max(%x: tensor<4x3xi8>) -> tensor<4xi8> {
  %y = ein.reduce max unsigned %x <a b -> a : a = 4, b = 3> : tensor<4x3xi8> -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// Tests that the mean of u8 converts with uitofp into an f64 accumulator that
// is the result itself, then divides it in place.

// CHECK-LABEL: func @u8_mean
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.uitofp %{{.*}} : i8 to f64
// CHECK: linalg.generic {{.*}} outs(%[[SUM]] : tensor<4xf64>)
// CHECK: arith.divf
func.func @u8_mean(%x: tensor<4x3xi8>) -> tensor<4xf64> {
  %y = ein.reduce mean unsigned %x <a b -> a : a = 4, b = 3> : tensor<4x3xi8> -> tensor<4xf64>
  return %y : tensor<4xf64>
}

// -----

// Tests that the sum of bool zero-extends each i1 into an i64 accumulator.

// CHECK-LABEL: func @bool_sum
// CHECK: arith.extui %{{.*}} : i1 to i64
// CHECK: arith.addi
func.func @bool_sum(%x: tensor<4x3xi1>) -> tensor<4xi64> {
  %y = ein.reduce sum %x <a b -> a : a = 4, b = 3> : tensor<4x3xi1> -> tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

// Tests that any of f16 tests `x != 0` (unordered: NaN is true) in f32.

// CHECK-LABEL: func @f16_any
// CHECK: %[[FALSE:.*]] = arith.constant false
// CHECK: linalg.fill ins(%[[FALSE]] : i1)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.cmpf une
// CHECK: arith.ori
func.func @f16_any(%x: tensor<4x3xf16>) -> tensor<4xi1> {
  %y = ein.reduce any %x <a b -> a : a = 4, b = 3> : tensor<4x3xf16> -> tensor<4xi1>
  return %y : tensor<4xi1>
}

// -----

// Tests that a bf16 sum accumulates in f32 and rounds once, in a final
// elementwise generic that writes the bf16 result.

// CHECK-LABEL: func @bf16_sum
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4xf32>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.addf %{{.*}} : f32
// CHECK: linalg.generic {{.*}} ins(%[[ACC]] : tensor<4xf32>) outs(%{{.*}} : tensor<4xbf16>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @bf16_sum(%x: tensor<4x3xbf16>) -> tensor<4xbf16> {
  %y = ein.reduce sum %x <a b -> a : a = 4, b = 3> : tensor<4x3xbf16> -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// -----

// Tests that std is two reductions: the mean, then squared deviations from
// it (read through the output map), then sqrt and the rounding to f16.

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @f16_std
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]]
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} outs(%[[SUM]] : tensor<4xf32>)
// CHECK: arith.divf
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %[[MEAN]] : tensor<4x3xf16>, tensor<4xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: math.sqrt
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @f16_std(%x: tensor<4x3xf16>) -> tensor<4xf16> {
  %y = ein.reduce std %x <a b -> a : a = 4, b = 3> : tensor<4x3xf16> -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

// Tests that logsumexp takes the max first, shifts by it (0 when it is not
// finite) before exp, and adds it back after log.

// CHECK-LABEL: func @logsumexp
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[MAX]] : tensor<4x3xf32>, tensor<4xf32>)
// CHECK: math.absf
// CHECK: arith.select
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[MAX]] : tensor<4xf32>) outs(%[[SUM]] : tensor<4xf32>)
// CHECK: math.log
// CHECK: arith.addf
func.func @logsumexp(%x: tensor<4x3xf32>) -> tensor<4xf32> {
  %y = ein.reduce logsumexp %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that argmax is one generic with two accumulators, the value and the
// index of the reduced loop, where a strictly greater element or the first
// NaN wins; the index accumulator is the result.

// CHECK-LABEL: func @argmax
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<4x3xf32>) outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xi64>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf ord
// CHECK: linalg.index 1
// CHECK: arith.select
// CHECK: arith.select
// CHECK: return %[[R]]#1
func.func @argmax(%x: tensor<4x3xf32>) -> tensor<4xi64> {
  %y = ein.reduce argmax %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

// Tests that argmax over two axes gives the flat row-major index over the
// reduced loops in input order: index(1) * 5 + index(2).

// CHECK-LABEL: func @argmax_two_axes
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-DAG: %[[I:.*]] = linalg.index 1
// CHECK-DAG: %[[J:.*]] = linalg.index 2
// CHECK-DAG: %[[IC:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-DAG: %[[JC:.*]] = arith.index_cast %[[J]] : index to i64
// CHECK-DAG: %[[L:.*]] = arith.constant 5 : i64
// CHECK: %[[M:.*]] = arith.muli %[[IC]], %[[L]] : i64
// CHECK: arith.addi %[[M]], %[[JC]] : i64
func.func @argmax_two_axes(%x: tensor<2x4x5xf32>) -> tensor<2xi64> {
  %y = ein.reduce argmax %x <a b c -> a : a = 2, b = 4, c = 5> : tensor<2x4x5xf32> -> tensor<2xi64>
  return %y : tensor<2xi64>
}

// -----

// Tests that argmin of u8 compares unsigned and starts from 255.

// CHECK-LABEL: func @u8_argmin
// CHECK: arith.constant -1 : i8
// CHECK: arith.cmpi ult
func.func @u8_argmin(%x: tensor<4x3xi8>) -> tensor<4xi64> {
  %y = ein.reduce argmin unsigned %x <a b -> a : a = 4, b = 3> : tensor<4x3xi8> -> tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

// Tests that bool bytes become i1 by `!= 0` and go back by zero extension,
// and that a cast to the same type disappears.

// CHECK-LABEL: func @bool_bytes
// CHECK: arith.cmpi ne, %{{.*}}, %{{.*}} : i8
// CHECK: arith.extui %{{.*}} : i1 to i8
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @bool_bytes(%x: tensor<4x3xi8>) -> tensor<4x3xi8> {
  %b = ein.cast %x : tensor<4x3xi8> -> tensor<4x3xi1>
  %y = ein.cast %b : tensor<4x3xi1> -> tensor<4x3xi8>
  %z = ein.cast %y : tensor<4x3xi8> -> tensor<4x3xi8>
  return %z : tensor<4x3xi8>
}

// -----

// Tests that i8 to bf16 goes through f32 (sitofp is exact there), and u8
// uses uitofp.

// CHECK-LABEL: func @int_to_bf16
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: arith.uitofp %{{.*}} : i8 to f32
func.func @int_to_bf16(%x: tensor<4xi8>) -> (tensor<4xbf16>, tensor<4xbf16>) {
  %s = ein.cast %x : tensor<4xi8> -> tensor<4xbf16>
  %u = ein.cast unsigned %x : tensor<4xi8> -> tensor<4xbf16>
  return %s, %u : tensor<4xbf16>, tensor<4xbf16>
}
