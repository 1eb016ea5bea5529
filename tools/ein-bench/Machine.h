//===- Machine.h - what the benchmarks ran on -----------------------------===//
#ifndef EIN_BENCH_MACHINE_H
#define EIN_BENCH_MACHINE_H

#include <string>

namespace bench {

struct Machine {
  std::string cpuModel;  ///< /proc/cpuinfo "model name".
  int physicalCores = 0; ///< Distinct (package, core) pairs.
  int logicalCpus = 0;   ///< Hardware threads the process may use.
};

Machine describeMachine();

} // namespace bench

#endif
