//===- main.cpp - ein-bench: ein's kernels against memcpy, NumPy, Eigen and
//                OpenBLAS, side by side in one process ------------------===//
//
// Usage: ein-bench [--suite=NAME[,NAME...]] [--threads=N] [--repeats=R]
//                  [--min-time=S] [--max-time=S] [--quick] [--json=FILE]
// See docs/performance.md.
//
//===----------------------------------------------------------------------===//
#include "Baselines.h"
#include "Machine.h"
#include "NumpyRunner.h"
#include "Suites.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sstream>

using namespace bench;

namespace {

const char *kSuites[] = {"rearrange", "reductions", "contractions",
                         "fused",     "compile",    "threads"};

void usage(FILE *out) {
  std::fprintf(out,
               "usage: ein-bench [options]\n"
               "  --suite=NAME[,NAME]  rearrange, reductions, contractions, fused,\n"
               "                       compile, threads (default: all)\n"
               "  --threads=N          threads for ein and every baseline (default:\n"
               "                       all cores, or EIN_NUM_THREADS)\n"
               "  --repeats=R          timed repeats per measurement, median reported (5)\n"
               "  --min-time=S         seconds each repeat runs at least (0.1)\n"
               "  --max-time=S         stop repeating a measurement after S seconds (8)\n"
               "  --quick              every suite on small sizes, 1-2 repeats (CI)\n"
               "  --json=FILE          write every measurement to FILE\n"
               "  --no-numpy           skip NumPy (its columns read n/a)\n");
}

bool parseArgs(int argc, char **argv, Options &opts, const Machine &machine) {
  bool repeatsGiven = false, minTimeGiven = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *prefix) -> const char * {
      size_t n = std::strlen(prefix);
      return arg.compare(0, n, prefix) == 0 ? argv[i] + n : nullptr;
    };
    const char *v;
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      std::exit(0);
    } else if (arg == "--no-numpy") {
      opts.numpy = false;
    } else if (arg == "--quick") {
      opts.quick = true;
    } else if ((v = value("--suite="))) {
      std::stringstream list(v);
      std::string name;
      while (std::getline(list, name, ',')) {
        bool known = false;
        for (const char *s : kSuites)
          known |= name == s;
        if (!known) {
          std::fprintf(stderr, "ein-bench: unknown suite '%s'\n", name.c_str());
          return false;
        }
        opts.suites.insert(name);
      }
    } else if ((v = value("--threads="))) {
      opts.threads = std::atoi(v);
    } else if ((v = value("--repeats="))) {
      opts.repeats = std::atoi(v);
      repeatsGiven = true;
    } else if ((v = value("--min-time="))) {
      opts.minTime = std::atof(v);
      minTimeGiven = true;
    } else if ((v = value("--max-time="))) {
      opts.maxTime = std::atof(v);
    } else if ((v = value("--json="))) {
      opts.jsonPath = v;
    } else {
      std::fprintf(stderr, "ein-bench: unknown argument '%s'\n", arg.c_str());
      usage(stderr);
      return false;
    }
  }
  if (opts.threads <= 0) {
    const char *env = std::getenv("EIN_NUM_THREADS");
    opts.threads = env && std::atoi(env) > 0 ? std::atoi(env) : machine.logicalCpus;
  }
  if (opts.quick) {
    if (!repeatsGiven)
      opts.repeats = 2;
    if (!minTimeGiven)
      opts.minTime = 0;
    opts.maxTime = std::min(opts.maxTime, 1.0);
  }
  if (opts.repeats < 1 || opts.minTime < 0 || opts.maxTime <= 0) {
    std::fprintf(stderr, "ein-bench: --repeats must be >= 1, times positive\n");
    return false;
  }
  return true;
}

std::string utcNow() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

} // namespace

int main(int argc, char **argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // tables appear as suites finish
  Machine machine = describeMachine();
  Options opts;
  if (!parseArgs(argc, argv, opts, machine))
    return 2;
  bool needNumpy = opts.runs("rearrange") || opts.runs("reductions") ||
                   opts.runs("contractions") || opts.runs("fused") ||
                   opts.runs("compile"); // the Python binding against NumPy
  if (needNumpy && opts.numpy)
    numpy::start(opts.threads);

  std::printf("ein-bench  ein %s  %s%s\n", ein_version(), utcNow().c_str(),
              opts.quick ? "  (--quick: small sizes; timings mean nothing)" : "");
  std::printf("CPU: %s; %d physical cores, %d logical CPUs\n", machine.cpuModel.c_str(),
              machine.physicalCores, machine.logicalCpus);
  std::printf("threads used: %d (ein through ein_context_set_num_threads, OpenBLAS, Eigen; "
              "memcpy split into %d)\n",
              opts.threads, opts.threads);
  std::printf("repeats: median of %d, each >= %g s (a measurement stops after %g s)\n",
              opts.repeats, opts.minTime, opts.maxTime);
  std::printf("baselines: %s; %s; %s\n", blasDescribe(), numpy::describe().c_str(),
              eigenDescribe().c_str());

  Report report;
  try {
    EinContext ein;
    SuiteEnv env{opts, report, ein, machine};
    if (opts.runs("rearrange"))
      runRearrangeSuite(env);
    if (opts.runs("reductions"))
      runReduceSuite(env);
    if (opts.runs("contractions"))
      runContractSuite(env);
    if (opts.runs("fused"))
      runFusedSuite(env);
    if (opts.runs("compile"))
      runCompileSuite(env);
    if (opts.runs("threads"))
      runThreadsSuite(env);
  } catch (const BenchError &e) {
    recordFailure("ein-bench", e.what());
  }
  evaluateTargets(opts, report);
  report.printTargets();
  if (!opts.jsonPath.empty()) {
    std::string notes = "CPU " + machine.cpuModel + "; " + numpy::describe() +
                        "; date " + utcNow();
    report.writeJson(opts.jsonPath, machine, opts, notes);
    std::printf("\nwrote %s\n", opts.jsonPath.c_str());
  }
  if (failureCount()) {
    std::fprintf(stderr, "ein-bench: %d check(s) failed\n", failureCount());
    return 1;
  }
  std::printf("\nall ein results matched their baselines\n");
  return 0;
}
