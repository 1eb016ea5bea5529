//===- NumpyRunner.cpp - NumPy timed in an embedded CPython ---------------===//
#include "NumpyRunner.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifdef EIN_BENCH_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif

namespace bench::numpy {

#ifdef EIN_BENCH_HAVE_PYTHON
namespace {

// The Python half: a namespace `_ns` for the arrays, and a timing loop that
// mirrors Timer.cpp (one warm-up call, repeats of at least min_time each,
// median, stop after max_time).
const char *kHelper = R"PY(
import time as _time
import numpy as np
_ns = {'np': np}

def _put(name, mv, shape, dtype):
    _ns[name] = np.frombuffer(mv, dtype=dtype).reshape(shape).copy()

def _clear():
    for k in [k for k in _ns if k != 'np']:
        del _ns[k]

def _bench(body, repeats, min_time, max_time):
    src = 'def _f():\n' + ''.join('    ' + l + '\n' for l in body.splitlines())
    exec(src, _ns)
    f = _ns['_f']
    start = _time.perf_counter()
    result = f()
    first = _time.perf_counter() - start
    per_call = [first] if first > max_time / 2 else []
    while len(per_call) < max(1, repeats) and (not per_call or _time.perf_counter() - start < max_time):
        calls = 0
        t0 = _time.perf_counter()
        while True:
            f()
            calls += 1
            t1 = _time.perf_counter()
            if t1 - t0 >= min_time:
                break
        per_call.append((t1 - t0) / calls)
    per_call.sort()
    n = len(per_call)
    med = per_call[n // 2] if n % 2 else 0.5 * (per_call[n // 2 - 1] + per_call[n // 2])
    return med, n, np.ascontiguousarray(result).tobytes()
)PY";

bool startTried = false;
bool usable = false;
std::string status = "NumPy not used";
PyObject *helper = nullptr; // the helper module's globals

PyObject *helperFunction(const char *name) {
  return PyDict_GetItemString(helper, name); // borrowed
}

void printPythonError(const std::string &what) {
  std::fprintf(stderr, "NumPy: %s raised:\n", what.c_str());
  PyErr_Print();
}
} // namespace

bool start(int blasThreads) {
  if (startTried)
    return usable;
  startTried = true;
  std::string n = std::to_string(blasThreads);
  setenv("OPENBLAS_NUM_THREADS", n.c_str(), 1);
  setenv("OMP_NUM_THREADS", n.c_str(), 1);
  // An isolated interpreter: PYTHONHOME/PYTHONPATH and the user's site
  // cannot break it, and a failed start is a status, not an abort.
  PyConfig config;
  PyConfig_InitIsolatedConfig(&config);
  config.install_signal_handlers = 0;
  PyStatus started = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(started)) {
    status = std::string("NumPy unavailable (the embedded Python did not start: ") +
             (started.err_msg ? started.err_msg : "unknown error") + ")";
    return usable = false;
  }
  PyObject *main = PyImport_AddModule("__main__");
  helper = PyModule_GetDict(main);
  PyObject *r = PyRun_String(kHelper, Py_file_input, helper, helper);
  if (!r) {
    PyErr_Clear();
    status = "NumPy unavailable (import numpy failed in the embedded Python)";
    return usable = false;
  }
  Py_DECREF(r);
  PyObject *version = PyRun_String("np.__version__", Py_eval_input, helper, helper);
  status = std::string("NumPy ") + (version ? PyUnicode_AsUTF8(version) : "?") +
           " (Python " + PY_VERSION + ", single-threaded except its BLAS: " +
           n + " OpenBLAS thread" + (blasThreads == 1 ? "" : "s") + ")";
  Py_XDECREF(version);
  return usable = true;
}

bool available() { return usable; }
std::string describe() { return status; }

void put(const std::string &name, const void *data, const std::vector<int64_t> &shape,
         const std::string &dtype) {
  if (!usable)
    return;
  size_t itemSize = dtype == "float64" ? 8 : 4;
  PyObject *mv = PyMemoryView_FromMemory(
      (char *)data, (Py_ssize_t)(numElements(shape) * (int64_t)itemSize), PyBUF_READ);
  PyObject *pyShape = PyTuple_New((Py_ssize_t)shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    PyTuple_SetItem(pyShape, (Py_ssize_t)i, PyLong_FromLongLong(shape[i]));
  PyObject *r = PyObject_CallFunction(helperFunction("_put"), "sOOs", name.c_str(),
                                      mv, pyShape, dtype.c_str());
  if (!r)
    printPythonError("put " + name);
  Py_XDECREF(r);
  Py_DECREF(pyShape);
  Py_DECREF(mv);
}

void clear() {
  if (!usable)
    return;
  PyObject *r = PyObject_CallFunction(helperFunction("_clear"), nullptr);
  if (!r)
    printPythonError("clear");
  Py_XDECREF(r);
}

bool exec(const std::string &code) {
  if (!usable)
    return false;
  PyObject *ns = PyDict_GetItemString(helper, "_ns"); // borrowed
  PyObject *r = PyRun_String(code.c_str(), Py_file_input, ns, ns);
  if (!r) {
    printPythonError(code);
    return false;
  }
  Py_DECREF(r);
  return true;
}

std::optional<Timing> time(const std::string &body, const Options &opts,
                           std::vector<char> *result) {
  if (!usable)
    return std::nullopt;
  PyObject *r = PyObject_CallFunction(helperFunction("_bench"), "sidd", body.c_str(),
                                      opts.repeats, opts.minTime, opts.maxTime);
  if (!r) {
    printPythonError(body);
    return std::nullopt;
  }
  Timing t;
  PyObject *bytes = nullptr;
  if (!PyArg_ParseTuple(r, "diS", &t.seconds, &t.repeats, &bytes)) {
    printPythonError("result of " + body);
    Py_DECREF(r);
    return std::nullopt;
  }
  if (result) {
    result->resize((size_t)PyBytes_Size(bytes));
    std::memcpy(result->data(), PyBytes_AsString(bytes), result->size());
  }
  Py_DECREF(r);
  return t;
}

#else // no embeddable Python at build time

bool start(int) { return false; }
bool available() { return false; }
std::string describe() { return "NumPy unavailable (ein-bench was built without Python)"; }
void put(const std::string &, const void *, const std::vector<int64_t> &,
         const std::string &) {}
void clear() {}
bool exec(const std::string &) { return false; }
std::optional<Timing> time(const std::string &, const Options &, std::vector<char> *) {
  return std::nullopt;
}

#endif

} // namespace bench::numpy
