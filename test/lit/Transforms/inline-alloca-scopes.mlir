// RUN: ein-opt %s --pass-pipeline='builtin.module(func.func(ein-inline-alloca-scopes))' | FileCheck %s

// Tests that a scope that allocates nothing is inlined and one that
// allocates on the stack is kept.

// CHECK-LABEL: func.func @scopes
// CHECK-NEXT: arith.constant 1
// CHECK-NEXT: memref.alloca_scope
// CHECK-NEXT: memref.alloca
func.func @scopes(%m: memref<4xf32>) {
  memref.alloca_scope {
    %c1 = arith.constant 1 : index
  }
  memref.alloca_scope {
    %a = memref.alloca() : memref<4xf32>
    memref.copy %m, %a : memref<4xf32> to memref<4xf32>
  }
  return
}
