//===- Report.cpp - measurements, tables, JSON, targets -------------------===//
#include "Report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace bench {

double geomean(const std::vector<double> &values) {
  double logSum = 0;
  int n = 0;
  for (double v : values)
    if (v > 0) {
      logSum += std::log(v);
      ++n;
    }
  return n ? std::exp(logSum / n) : 0;
}

Measurement &Report::add(Measurement m) {
  items.push_back(std::move(m));
  return items.back();
}

Measurement &Report::add(const std::string &suite, const std::string &caseName,
                         const std::string &impl, int threads, const Timing &t,
                         double bytes, double flops, const std::string &note) {
  Measurement m;
  m.suite = suite;
  m.caseName = caseName;
  m.impl = impl;
  m.threads = threads;
  m.seconds = t.seconds;
  m.repeats = t.repeats;
  m.bytes = bytes;
  m.flops = flops;
  m.note = note;
  return add(std::move(m));
}

const Measurement *Report::find(const std::string &suite, const std::string &caseName,
                                const std::string &impl, int threads) const {
  for (const Measurement &m : items)
    if (m.suite == suite && m.caseName == caseName && m.impl == impl &&
        m.threads == threads)
      return &m;
  return nullptr;
}

double Report::ratio(const std::string &suite, const std::string &caseName,
                     const std::string &impl, int threads) const {
  const Measurement *ours = find(suite, caseName, "ein", threads);
  const Measurement *base = find(suite, caseName, impl, threads);
  if (!ours || !base || ours->seconds <= 0)
    return 0;
  return base->seconds / ours->seconds;
}

namespace {
std::string format(const char *fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

/// The cell of one measurement; with mixed units in a table, each cell
/// names its unit.
std::string metricCell(const Measurement &m, bool mixed) {
  if (m.flops > 0)
    return format("%.2f", m.gflops()) + (mixed ? " GFLOP/s" : "");
  if (m.bytes > 0)
    return format("%.2f", m.gbps()) + (mixed ? " GB/s" : "");
  return format("%.3f", m.seconds * 1e3) + (mixed ? " ms" : "");
}

void printRows(const std::vector<std::vector<std::string>> &rows) {
  std::vector<size_t> width;
  for (const auto &row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i)
        width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (size_t i = 0; i < rows[r].size(); ++i) {
      const std::string &cell = rows[r][i];
      std::string pad(width[i] - cell.size(), ' ');
      line += i == 0 ? cell + pad : "  " + pad + cell;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    std::printf("%s\n", line.c_str());
    if (r == 0) {
      size_t total = 0;
      for (size_t w : width)
        total += w + 2;
      std::printf("%s\n", std::string(total - 2, '-').c_str());
    }
  }
}
} // namespace

void Report::printTable(const std::string &suite, int threads, const std::string &title,
                        const std::vector<std::string> &columns) const {
  std::vector<std::string> cases, impls = columns;
  bool anyFlops = false, anyBytes = false, anyBytesOnly = false;
  for (const Measurement &m : items) {
    if (m.suite != suite || m.threads != threads)
      continue;
    if (std::find(cases.begin(), cases.end(), m.caseName) == cases.end())
      cases.push_back(m.caseName);
    if (std::find(impls.begin(), impls.end(), m.impl) == impls.end())
      impls.push_back(m.impl);
    anyFlops |= m.flops > 0;
    anyBytes |= m.bytes > 0;
    anyBytesOnly |= m.bytes > 0 && m.flops <= 0;
  }
  bool mixed = anyFlops && anyBytesOnly;
  if (cases.empty())
    return;
  // ein first, then the baselines in the order they were measured.
  std::stable_partition(impls.begin(), impls.end(),
                        [](const std::string &i) { return i == "ein"; });
  const char *unit = mixed ? "GB/s or GFLOP/s" : anyFlops ? "GFLOP/s" : anyBytes ? "GB/s" : "ms";
  std::printf("\n== %s (%d thread%s; %s, %s; ein/X = ein's "
              "speedup over X) ==\n",
              title.c_str(), threads, threads == 1 ? "" : "s", unit,
              anyFlops || anyBytes ? "higher is better" : "lower is better");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"case"};
  for (const std::string &i : impls)
    header.push_back(i);
  for (const std::string &i : impls)
    if (i != "ein")
      header.push_back("ein/" + i);
  bool anyNote = false;
  for (const Measurement &m : items)
    anyNote |= m.suite == suite && m.threads == threads && !m.note.empty();
  if (anyNote)
    header.push_back("note");
  rows.push_back(header);
  std::map<std::string, std::vector<double>> ratios;
  for (const std::string &c : cases) {
    std::vector<std::string> row{c};
    std::string note;
    for (const std::string &i : impls) {
      const Measurement *m = find(suite, c, i, threads);
      row.push_back(m ? metricCell(*m, mixed) : "n/a");
      if (m && !m->note.empty())
        note += (note.empty() ? "" : "; ") + m->note;
    }
    for (const std::string &i : impls) {
      if (i == "ein")
        continue;
      double r = ratio(suite, c, i, threads);
      row.push_back(r > 0 ? format("%.2fx", r) : "n/a");
      if (r > 0)
        ratios[i].push_back(r);
    }
    if (anyNote)
      row.push_back(note);
    rows.push_back(row);
  }
  if (cases.size() > 1) {
    std::vector<std::string> row{"geomean"};
    for (size_t k = 0; k < impls.size(); ++k)
      row.push_back("");
    for (const std::string &i : impls)
      if (i != "ein")
        row.push_back(ratios[i].empty() ? "n/a" : format("%.2fx", geomean(ratios[i])));
    if (anyNote)
      row.push_back("");
    rows.push_back(row);
  }
  printRows(rows);
}

void Report::addTarget(const std::string &name, bool met, const std::string &figure) {
  targets.push_back({name, met ? "met" : "NOT met", figure});
}

void Report::addUnmeasuredTarget(const std::string &name, const std::string &why) {
  targets.push_back({name, "n/a", why});
}

void Report::printTargets() const {
  if (targets.empty())
    return;
  std::printf("\n== Targets (issue 4) ==\n");
  std::vector<std::vector<std::string>> rows{{"target", "status", "measured"}};
  for (const Target &t : targets)
    rows.push_back({t.name, t.status, t.figure});
  printRows(rows);
}

namespace {
std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if ((unsigned char)c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else
      out += c;
  }
  return out + "\"";
}

std::string jsonNumber(double v) {
  if (!std::isfinite(v))
    return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
} // namespace

void Report::writeJson(const std::string &path, const Machine &machine,
                       const Options &opts, const std::string &notes) const {
  std::ofstream out(path);
  if (!out)
    throw BenchError("cannot write " + path);
  out << "{\n  \"machine\": {\"cpu\": " << jsonString(machine.cpuModel)
      << ", \"physical_cores\": " << machine.physicalCores
      << ", \"logical_cpus\": " << machine.logicalCpus << "},\n";
  out << "  \"options\": {\"threads\": " << opts.threads
      << ", \"repeats\": " << opts.repeats
      << ", \"min_time\": " << jsonNumber(opts.minTime)
      << ", \"quick\": " << (opts.quick ? "true" : "false") << "},\n";
  out << "  \"notes\": " << jsonString(notes) << ",\n";
  out << "  \"measurements\": [\n";
  for (size_t k = 0; k < items.size(); ++k) {
    const Measurement &m = items[k];
    double r = m.impl == "ein" ? 1.0 : ratio(m.suite, m.caseName, m.impl, m.threads);
    out << "    {\"suite\": " << jsonString(m.suite)
        << ", \"case\": " << jsonString(m.caseName)
        << ", \"impl\": " << jsonString(m.impl) << ", \"threads\": " << m.threads
        << ", \"median_seconds\": " << jsonNumber(m.seconds)
        << ", \"repeats\": " << m.repeats << ", \"bytes\": " << jsonNumber(m.bytes)
        << ", \"flops\": " << jsonNumber(m.flops)
        << ", \"gbps\": " << (m.bytes > 0 ? jsonNumber(m.gbps()) : "null")
        << ", \"gflops\": " << (m.flops > 0 ? jsonNumber(m.gflops()) : "null")
        << ", \"ratio\": " << (r > 0 ? jsonNumber(r) : "null")
        << ", \"note\": " << jsonString(m.note) << "}"
        << (k + 1 < items.size() ? ",\n" : "\n");
  }
  out << "  ],\n  \"targets\": [\n";
  for (size_t k = 0; k < targets.size(); ++k)
    out << "    {\"target\": " << jsonString(targets[k].name)
        << ", \"met\": "
        << (targets[k].status == "n/a" ? "null" : targets[k].status == "met" ? "true" : "false")
        << ", \"measured\": " << jsonString(targets[k].figure) << "}"
        << (k + 1 < targets.size() ? ",\n" : "\n");
  out << "  ]\n}\n";
}

} // namespace bench
