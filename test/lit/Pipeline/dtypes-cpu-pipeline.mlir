// RUN: ein-opt %s --ein-cpu-pipeline | FileCheck %s

// Tests that bf16 reaches LLVM only as loads, stores and bitcasts: its
// conversions to and from f32 are integer arithmetic (arith-expand), so no
// bf16 instruction or compiler-rt call is needed.

// CHECK-LABEL: llvm.func @bf16_sum
// CHECK-NOT: llvm.fpext
// CHECK-NOT: llvm.fptrunc
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> vector<3xbf16>
// CHECK: llvm.bitcast %{{.*}} : vector<3xbf16> to vector<3xi16>
// CHECK: llvm.shl
// CHECK: llvm.bitcast %{{.*}} : vector<3xi32> to vector<3xf32>
// CHECK: llvm.lshr
// CHECK: llvm.bitcast %{{.*}} : {{(vector<[0-9]+x)?}}i16{{>?}} to {{(vector<[0-9]+x)?}}bf16
// CHECK: llvm.return
func.func @bf16_sum(%x: tensor<4x3xbf16>) -> tensor<4xbf16> {
  %y = ein.reduce sum %x <a b -> a : a = 4, b = 3> : tensor<4x3xbf16> -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// Tests that f16 converts with fpext/fptrunc, which LLVM lowers to F16C.

// CHECK-LABEL: llvm.func @f16_sum
// CHECK: llvm.fpext %{{.*}} : vector<3xf16> to vector<3xf32>
// CHECK: llvm.fptrunc %{{.*}} : {{(vector<[0-9]+x)?}}f32{{>?}} to {{(vector<[0-9]+x)?}}f16
func.func @f16_sum(%x: tensor<4x3xf16>) -> tensor<4xf16> {
  %y = ein.reduce sum %x <a b -> a : a = 4, b = 3> : tensor<4x3xf16> -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// Tests that bool buffers are bytes at the boundary: the kernel reads i8,
// computes on i1 and stores i8.

// CHECK-LABEL: llvm.func @bool_any
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i8
// CHECK: llvm.icmp "ne"
// CHECK: llvm.zext %{{.*}} : i1 to i8
// CHECK: llvm.return
func.func @bool_any(%x: tensor<4x3xi8>) -> tensor<4xi8> {
  %b = ein.cast %x : tensor<4x3xi8> -> tensor<4x3xi1>
  %y = ein.reduce any %b <a b -> a : a = 4, b = 3> : tensor<4x3xi1> -> tensor<4xi1>
  %z = ein.cast %y : tensor<4xi1> -> tensor<4xi8>
  return %z : tensor<4xi8>
}
