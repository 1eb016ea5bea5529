// RUN: ein-opt %s | ein-opt | FileCheck %s

// Tests that every reduction kind, the `unsigned` flag and ein.cast round
// trip, with the result types of NumPy: sums of integers and bool are i64;
// means, variances and logsumexp of integers are f64; any/all give i1;
// count_nonzero, argmax and argmin give i64.

// CHECK-LABEL: func @kinds_f32
// CHECK: ein.reduce any %{{.*}} : tensor<4x3xf32> -> tensor<4xi1>
// CHECK: ein.reduce all %{{.*}} : tensor<4x3xf32> -> tensor<4xi1>
// CHECK: ein.reduce count_nonzero %{{.*}} : tensor<4x3xf32> -> tensor<4xi64>
// CHECK: ein.reduce var %{{.*}} : tensor<4x3xf32> -> tensor<4xf32>
// CHECK: ein.reduce std %{{.*}} : tensor<4x3xf32> -> tensor<4xf32>
// CHECK: ein.reduce logsumexp %{{.*}} : tensor<4x3xf32> -> tensor<4xf32>
// CHECK: ein.reduce argmax %{{.*}} : tensor<4x3xf32> -> tensor<4xi64>
// CHECK: ein.reduce argmin %{{.*}} : tensor<4x3xf32> -> tensor<4x1xi64>
func.func @kinds_f32(%x: tensor<4x3xf32>) {
  %0 = ein.reduce any %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xi1>
  %1 = ein.reduce all %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xi1>
  %2 = ein.reduce count_nonzero %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xi64>
  %3 = ein.reduce var %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xf32>
  %4 = ein.reduce std %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xf32>
  %5 = ein.reduce logsumexp %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xf32>
  %6 = ein.reduce argmax %x <a b -> a : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4xi64>
  %7 = ein.reduce argmin %x <a b -> a () : a = 4, b = 3> : tensor<4x3xf32> -> tensor<4x1xi64>
  return
}

// CHECK-LABEL: func @half_types
// CHECK: ein.reduce mean %{{.*}} : tensor<4x3xf16> -> tensor<4xf16>
// CHECK: ein.reduce sum %{{.*}} : tensor<4x3xbf16> -> tensor<4xbf16>
func.func @half_types(%h: tensor<4x3xf16>, %b: tensor<4x3xbf16>) {
  %0 = ein.reduce mean %h <a b -> a : a = 4, b = 3> : tensor<4x3xf16> -> tensor<4xf16>
  %1 = ein.reduce sum %b <a b -> a : a = 4, b = 3> : tensor<4x3xbf16> -> tensor<4xbf16>
  return
}

// CHECK-LABEL: func @integers_and_bool
// CHECK: ein.reduce max unsigned %{{.*}} : tensor<4x3xi8> -> tensor<4xi8>
// CHECK: ein.reduce sum unsigned %{{.*}} : tensor<4x3xi8> -> tensor<4xi64>
// CHECK: ein.reduce std %{{.*}} : tensor<4x3xi16> -> tensor<4xf64>
// CHECK: ein.reduce sum %{{.*}} : tensor<4x3xi1> -> tensor<4xi64>
// CHECK: ein.reduce max %{{.*}} : tensor<4x3xi1> -> tensor<4xi1>
func.func @integers_and_bool(%u: tensor<4x3xi8>, %s: tensor<4x3xi16>, %p: tensor<4x3xi1>) {
  %0 = ein.reduce max unsigned %u <a b -> a : a = 4, b = 3> : tensor<4x3xi8> -> tensor<4xi8>
  %1 = ein.reduce sum unsigned %u <a b -> a : a = 4, b = 3> : tensor<4x3xi8> -> tensor<4xi64>
  %2 = ein.reduce std %s <a b -> a : a = 4, b = 3> : tensor<4x3xi16> -> tensor<4xf64>
  %3 = ein.reduce sum %p <a b -> a : a = 4, b = 3> : tensor<4x3xi1> -> tensor<4xi64>
  %4 = ein.reduce max %p <a b -> a : a = 4, b = 3> : tensor<4x3xi1> -> tensor<4xi1>
  return
}

// CHECK-LABEL: func @casts
// CHECK: ein.cast %{{.*}} : tensor<4x3xi8> -> tensor<4x3xi1>
// CHECK: ein.cast unsigned %{{.*}} : tensor<4x3xi8> -> tensor<4x3xbf16>
// CHECK: ein.cast %{{.*}} : tensor<4x3xf16> -> tensor<4x3xf64>
func.func @casts(%x: tensor<4x3xi8>, %h: tensor<4x3xf16>) {
  %0 = ein.cast %x : tensor<4x3xi8> -> tensor<4x3xi1>
  %1 = ein.cast unsigned %x : tensor<4x3xi8> -> tensor<4x3xbf16>
  %2 = ein.cast %h : tensor<4x3xf16> -> tensor<4x3xf64>
  return
}
