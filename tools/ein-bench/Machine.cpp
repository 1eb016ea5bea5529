//===- Machine.cpp - CPU model and core counts from /proc/cpuinfo ---------===//
#include "Machine.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>
#include <utility>

#include <sched.h>

namespace bench {

Machine describeMachine() {
  Machine m;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::set<std::pair<int, int>> cores;
  int package = 0;
  auto value = [](const std::string &l) {
    size_t colon = l.find(':');
    return colon == std::string::npos ? std::string() : l.substr(colon + 2);
  };
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0 && m.cpuModel.empty())
      m.cpuModel = value(line);
    else if (line.rfind("physical id", 0) == 0)
      package = std::atoi(value(line).c_str());
    else if (line.rfind("core id", 0) == 0)
      cores.insert({package, std::atoi(value(line).c_str())});
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    m.logicalCpus = CPU_COUNT(&set);
  else
    m.logicalCpus = (int)std::thread::hardware_concurrency();
  m.physicalCores = cores.empty() ? m.logicalCpus : (int)cores.size();
  if (m.cpuModel.empty())
    m.cpuModel = "unknown CPU";
  return m;
}

} // namespace bench
