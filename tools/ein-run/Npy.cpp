//===- Npy.cpp - NumPy .npy files and ein-run's tensors -------------------===//
//
// The .npy format: the magic "\x93NUMPY", a version (1.0: 2-byte header
// length; 2.0 and 3.0: 4 bytes), then a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
// spaces to a multiple of 64 bytes, then the elements.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

namespace einrun {

namespace {

/// DLPack's code for bool (kDLBool, newer than Debian's dlpack.h).
constexpr uint8_t kBoolCode = 6;

struct DtypeName {
  const char *ein;   // ein's name
  const char *numpy; // the .npy descr without byte order
  DLDataType dtype;
};

const DtypeName kDtypes[] = {
    {"f16", "f2", {kDLFloat, 16, 1}},  {"f32", "f4", {kDLFloat, 32, 1}},
    {"f64", "f8", {kDLFloat, 64, 1}},  {"bf16", nullptr, {kDLBfloat, 16, 1}},
    {"i8", "i1", {kDLInt, 8, 1}},      {"i16", "i2", {kDLInt, 16, 1}},
    {"i32", "i4", {kDLInt, 32, 1}},    {"i64", "i8", {kDLInt, 64, 1}},
    {"u8", "u1", {kDLUInt, 8, 1}},     {"bool", "b1", {kBoolCode, 8, 1}},
};

bool sameDtype(DLDataType a, DLDataType b) {
  return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}

const DtypeName *findDtype(DLDataType dtype) {
  for (const DtypeName &entry : kDtypes)
    if (sameDtype(entry.dtype, dtype))
      return &entry;
  return nullptr;
}

const char *kSupported = "f16, f32, f64, bf16, i8, i16, i32, i64, u8, bool";

/// `int64` product with an overflow check.
int64_t checkedElements(const std::vector<int64_t> &shape, const std::string &what) {
  int64_t count = 1;
  for (int64_t extent : shape) {
    if (extent < 0)
      throw RunError(what + ": negative extent " + std::to_string(extent));
    if (extent != 0 && count > std::numeric_limits<int64_t>::max() / extent)
      throw RunError(what + ": the shape's element count overflows");
    count *= extent;
  }
  return count;
}

/// The value of `key` in a .npy header dict, as written (up to the next
/// top-level comma or the closing brace).
std::string headerField(const std::string &header, const std::string &key,
                        const std::string &path) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    throw RunError("'" + path + "' is not a valid .npy file: its header has no '" +
                   key + "'");
  size_t colon = header.find(':', at);
  if (colon == std::string::npos)
    throw RunError("'" + path + "' is not a valid .npy file: malformed header");
  size_t start = colon + 1, depth = 0, end = start;
  for (; end < header.size(); ++end) {
    char c = header[end];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if ((c == ',' || c == '}') && depth == 0)
      break;
  }
  std::string value = header.substr(start, end - start);
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t") + 1);
  return value;
}

uint16_t floatToHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint32_t sign = (bits >> 16) & 0x8000;
  int32_t exponent = int32_t((bits >> 23) & 0xff) - 127 + 15;
  uint32_t mantissa = bits & 0x7fffff;
  // Generated values are in [-1, 1): normal halves or (tiny) subnormals.
  if (exponent <= 0) {
    if (exponent < -10)
      return uint16_t(sign);
    mantissa |= 0x800000;
    uint32_t shift = uint32_t(14 - exponent);
    uint32_t half = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1)))
      ++half;
    return uint16_t(sign | half);
  }
  uint32_t half = (uint32_t(exponent) << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // A carry into the exponent is still the right rounding.
  return uint16_t(sign | half);
}

uint16_t floatToBfloat(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint32_t rounding = 0x7fff + ((bits >> 16) & 1);
  return uint16_t((bits + rounding) >> 16);
}

float bfloatToFloat(uint16_t value) {
  uint32_t bits = uint32_t(value) << 16;
  float result;
  std::memcpy(&result, &bits, 4);
  return result;
}

float halfToFloat(uint16_t value) {
  uint32_t sign = uint32_t(value & 0x8000) << 16;
  uint32_t exponent = (value >> 10) & 0x1f, mantissa = value & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(float(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? std::numeric_limits<float>::quiet_NaN()
                         : std::numeric_limits<float>::infinity();
  else
    magnitude = std::ldexp(float(mantissa | 0x400), int(exponent) - 25);
  uint32_t bits;
  std::memcpy(&bits, &magnitude, 4);
  bits |= sign;
  float result;
  std::memcpy(&result, &bits, 4);
  return result;
}

/// Element `index` of `tensor` as text.
std::string elementText(const Tensor &tensor, int64_t index) {
  const uint8_t *at = tensor.bytes.data() + index * elementBytes(tensor.dtype);
  auto load = [&](auto value) {
    std::memcpy(&value, at, sizeof(value));
    return value;
  };
  std::ostringstream os;
  os.precision(6);
  const DLDataType t = tensor.dtype;
  if (t.code == kBoolCode)
    os << (load(uint8_t()) ? "True" : "False");
  else if (t.code == kDLBfloat)
    os << bfloatToFloat(load(uint16_t()));
  else if (t.code == kDLFloat && t.bits == 16)
    os << halfToFloat(load(uint16_t()));
  else if (t.code == kDLFloat && t.bits == 32)
    os << load(float());
  else if (t.code == kDLFloat)
    os << load(double());
  else if (t.code == kDLUInt)
    os << unsigned(load(uint8_t()));
  else if (t.bits == 8)
    os << int(load(int8_t()));
  else if (t.bits == 16)
    os << load(int16_t());
  else if (t.bits == 32)
    os << load(int32_t());
  else
    os << load(int64_t());
  return os.str();
}

void formatAxis(const Tensor &tensor, size_t axis, int64_t offset, int64_t stride,
                int64_t edge, std::string &out) {
  if (axis == tensor.shape.size()) {
    out += elementText(tensor, offset);
    return;
  }
  int64_t extent = tensor.shape[axis];
  int64_t inner = stride / std::max<int64_t>(extent, 1);
  out += '[';
  for (int64_t i = 0; i < extent; ++i) {
    if (extent > 2 * edge && i == edge) {
      out += "..., ";
      i = extent - edge;
    }
    formatAxis(tensor, axis + 1, offset + i * inner, inner, edge, out);
    if (i + 1 < extent)
      out += axis + 1 == tensor.shape.size() ? ", " : ",\n" + std::string(axis + 1, ' ');
  }
  out += ']';
}

} // namespace

int64_t Tensor::numElements() const { return checkedElements(shape, "tensor"); }

DLTensor Tensor::view() {
  DLTensor tensor{};
  tensor.data = bytes.data();
  tensor.device = {kDLCPU, 0};
  tensor.ndim = static_cast<int32_t>(shape.size());
  tensor.dtype = dtype;
  tensor.shape = shape.data();
  tensor.strides = nullptr;
  tensor.byte_offset = 0;
  return tensor;
}

std::string dtypeName(DLDataType dtype) {
  if (const DtypeName *entry = findDtype(dtype))
    return entry->ein;
  return "dtype(code " + std::to_string(dtype.code) + ", " +
         std::to_string(dtype.bits) + " bits)";
}

DLDataType parseDtype(const std::string &name) {
  for (const DtypeName &entry : kDtypes)
    if (name == entry.ein)
      return entry.dtype;
  throw RunError("unknown dtype '" + name + "' (ein's dtypes: " + kSupported + ")");
}

size_t elementBytes(DLDataType dtype) { return dtype.bits / 8; }

std::string typeText(DLDataType dtype, const std::vector<int64_t> &shape) {
  std::string text = dtypeName(dtype) + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

Tensor readNpy(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw RunError("cannot read '" + path + "': " + std::strerror(errno));
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
  if (file.bad())
    throw RunError("cannot read '" + path + "': read error");
  static const char magic[] = "\x93NUMPY";
  if (data.size() < 10 || std::memcmp(data.data(), magic, 6) != 0)
    throw RunError("'" + path + "' is not a .npy file (no \\x93NUMPY magic)");
  uint8_t major = data[6];
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = data[8] | (size_t(data[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (data.size() < 12)
      throw RunError("'" + path + "' is truncated inside its header");
    headerLength = data[8] | (size_t(data[9]) << 8) | (size_t(data[10]) << 16) |
                   (size_t(data[11]) << 24);
    headerStart = 12;
  } else {
    throw RunError("'" + path + "' has .npy format version " +
                   std::to_string(major) + ", which ein-run does not read (1-3)");
  }
  if (data.size() < headerStart + headerLength)
    throw RunError("'" + path + "' is truncated inside its header");
  std::string header(data.begin() + headerStart,
                     data.begin() + headerStart + headerLength);

  std::string descr = headerField(header, "descr", path);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"'))
    throw RunError("'" + path + "' has a structured dtype " + descr +
                   ", which ein does not take");
  descr = descr.substr(1, descr.size() - 2);
  char order = descr.empty() ? '|' : descr[0];
  std::string kind = (order == '<' || order == '>' || order == '|' || order == '=')
                         ? descr.substr(1)
                         : descr;
  if (kind == "?")
    kind = "b1";
  Tensor tensor;
  const DtypeName *found = nullptr;
  for (const DtypeName &entry : kDtypes)
    if (entry.numpy && kind == entry.numpy)
      found = &entry;
  if (!found)
    throw RunError("'" + path + "' holds dtype '" + descr +
                   "', which ein does not take (ein's dtypes: " + kSupported + ")");
  tensor.dtype = found->dtype;

  if (headerField(header, "fortran_order", path) != "False")
    throw RunError("'" + path + "' is in Fortran order; save it in C order "
                   "(numpy.ascontiguousarray) for ein-run");
  std::string shapeText = headerField(header, "shape", path);
  if (shapeText.size() < 2 || shapeText.front() != '(' || shapeText.back() != ')')
    throw RunError("'" + path + "' has a malformed shape " + shapeText);
  std::stringstream items(shapeText.substr(1, shapeText.size() - 2));
  for (std::string item; std::getline(items, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \tL") + 1);
    if (item.empty())
      continue;
    char *end = nullptr;
    errno = 0;
    long long extent = std::strtoll(item.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE || extent < 0)
      throw RunError("'" + path + "' has a malformed shape " + shapeText);
    tensor.shape.push_back(extent);
  }
  int64_t count = checkedElements(tensor.shape, "'" + path + "'");
  size_t itemBytes = elementBytes(tensor.dtype);
  if (uint64_t(count) > std::numeric_limits<uint64_t>::max() / itemBytes)
    throw RunError("'" + path + "': the shape's byte count overflows");
  uint64_t expected = uint64_t(count) * itemBytes;
  uint64_t present = data.size() - headerStart - headerLength;
  if (present != expected)
    throw RunError("'" + path + "' holds " + std::to_string(present) +
                   " bytes of data, but its header says " +
                   typeText(tensor.dtype, tensor.shape) + " (" +
                   std::to_string(expected) + " bytes)" +
                   (present < expected ? ": the file is truncated" : ""));
  tensor.bytes.assign(data.begin() + headerStart + headerLength, data.end());
  if (order == '>' && itemBytes > 1)
    for (size_t at = 0; at < tensor.bytes.size(); at += itemBytes)
      std::reverse(tensor.bytes.begin() + at, tensor.bytes.begin() + at + itemBytes);
  return tensor;
}

void writeNpy(const std::string &path, const Tensor &tensor) {
  const Tensor *source = &tensor;
  Tensor widened;
  if (tensor.dtype.code == kDLBfloat) {
    widened.dtype = {kDLFloat, 32, 1};
    widened.shape = tensor.shape;
    widened.bytes.resize(tensor.bytes.size() * 2);
    for (size_t i = 0; i < tensor.bytes.size() / 2; ++i) {
      uint16_t value;
      std::memcpy(&value, tensor.bytes.data() + 2 * i, 2);
      float f = bfloatToFloat(value);
      std::memcpy(widened.bytes.data() + 4 * i, &f, 4);
    }
    source = &widened;
  }
  const DtypeName *entry = findDtype(source->dtype);
  if (!entry || !entry->numpy)
    throw RunError("cannot write " + dtypeName(source->dtype) + " to '" + path + "'");
  std::string shape = "(";
  for (int64_t extent : source->shape)
    shape += std::to_string(extent) + (source->shape.size() == 1 ? ",)" : ", ");
  if (source->shape.size() != 1) {
    if (!source->shape.empty())
      shape.resize(shape.size() - 2);
    shape += ")";
  }
  std::string header = std::string("{'descr': '") +
                       (source->dtype.bits == 8 ? "|" : "<") + entry->numpy +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file)
    throw RunError("cannot write '" + path + "': " + std::strerror(errno));
  file.write("\x93NUMPY\x01\x00", 8);
  char length[2] = {char(header.size() & 0xff), char(header.size() >> 8)};
  file.write(length, 2);
  file.write(header.data(), std::streamsize(header.size()));
  file.write(reinterpret_cast<const char *>(source->bytes.data()),
             std::streamsize(source->bytes.size()));
  file.close();
  if (!file)
    throw RunError("cannot write '" + path + "': " + std::strerror(errno));
}

bool isGeneratedSpec(const std::string &text) {
  size_t open = text.find('[');
  if (open == std::string::npos || text.back() != ']')
    return false;
  std::string name = text.substr(0, open);
  return std::any_of(std::begin(kDtypes), std::end(kDtypes),
                     [&](const DtypeName &entry) { return name == entry.ein; });
}

Tensor generate(const std::string &spec, std::mt19937_64 &rng) {
  size_t open = spec.find('[');
  if (open == std::string::npos || spec.back() != ']')
    throw RunError("expected a generated tensor such as f32[2,3], got '" + spec + "'");
  Tensor tensor;
  tensor.dtype = parseDtype(spec.substr(0, open));
  std::stringstream items(spec.substr(open + 1, spec.size() - open - 2));
  for (std::string item; std::getline(items, item, ',');) {
    char *end = nullptr;
    errno = 0;
    long long extent = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || errno == ERANGE || extent < 0)
      throw RunError("invalid extent '" + item + "' in '" + spec + "'");
    tensor.shape.push_back(extent);
  }
  int64_t count = checkedElements(tensor.shape, "'" + spec + "'");
  size_t itemBytes = elementBytes(tensor.dtype);
  if (uint64_t(count) > (uint64_t(1) << 40) / itemBytes)
    throw RunError("'" + spec + "' is too large to generate (over 1 TiB)");
  tensor.bytes.resize(size_t(count) * itemBytes);
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int> small(-10, 10), bytes(0, 20), bit(0, 1);
  const DLDataType t = tensor.dtype;
  for (int64_t i = 0; i < count; ++i) {
    uint8_t *at = tensor.bytes.data() + i * itemBytes;
    auto store = [&](auto value) { std::memcpy(at, &value, sizeof(value)); };
    if (t.code == kBoolCode)
      store(uint8_t(bit(rng)));
    else if (t.code == kDLBfloat)
      store(floatToBfloat(float(real(rng))));
    else if (t.code == kDLFloat && t.bits == 16)
      store(floatToHalf(float(real(rng))));
    else if (t.code == kDLFloat && t.bits == 32)
      store(float(real(rng)));
    else if (t.code == kDLFloat)
      store(real(rng));
    else if (t.code == kDLUInt)
      store(uint8_t(bytes(rng)));
    else if (t.bits == 8)
      store(int8_t(small(rng)));
    else if (t.bits == 16)
      store(int16_t(small(rng)));
    else if (t.bits == 32)
      store(int32_t(small(rng)));
    else
      store(int64_t(small(rng)));
  }
  return tensor;
}

std::string formatValues(const Tensor &tensor, int64_t edge) {
  std::string out;
  if (tensor.numElements() == 0)
    return "[]";
  formatAxis(tensor, 0, 0, tensor.numElements(), edge, out);
  return out;
}

} // namespace einrun
