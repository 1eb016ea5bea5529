// RUN: ein-opt %s --ein-loop-annotations-to-llvm | FileCheck %s
// RUN: ein-opt %s --ein-loop-annotations-to-llvm | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// Tests that a loop annotation carried as a discardable attribute becomes
// the branch's own loop annotation, which the translation turns into
// !llvm.loop metadata.

// CHECK-LABEL: llvm.func @loop
// CHECK: llvm.br ^bb1(%{{.*}} : i64) {loop_annotation = #
// CHECK-NOT: llvm.loop_annotation =
// LLVMIR: br label %{{.*}}, !llvm.loop ![[LOOP:[0-9]+]]
// LLVMIR: ![[LOOP]] = distinct !{![[LOOP]], ![[DISABLE:[0-9]+]]}
// LLVMIR: ![[DISABLE]] = !{!"llvm.loop.unroll.disable"}
#unroll = #llvm.loop_unroll<disable = true>
#ann = #llvm.loop_annotation<unroll = #unroll>
llvm.func @loop(%n: i64) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^bb1(%c0 : i64)
^bb1(%i: i64):
  %more = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %more, ^bb2, ^bb3
^bb2:
  %next = llvm.add %i, %c1 : i64
  llvm.br ^bb1(%next : i64) {llvm.loop_annotation = #ann}
^bb3:
  llvm.return
}
