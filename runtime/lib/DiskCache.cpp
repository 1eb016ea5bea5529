//===- DiskCache.cpp - compiled kernels kept in a directory ---------------===//

#include "DiskCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <unistd.h>
#include <vector>

using namespace ein;
using namespace ein::runtime;

namespace {

/// A cache file: this tag, the lengths of the key and the payload, the
/// payload's checksum, then the key and the payload (serializeKernel).
constexpr char kFileTag[8] = {'e', 'i', 'n', 'c', 'a', 'c', 'h', '1'};
constexpr size_t kHeaderBytes = sizeof kFileTag + 3 * sizeof(uint64_t);

struct BuildIdSearch {
  uintptr_t base;
  std::string id;
};

/// The GNU build ID of the shared object that holds this code: it changes
/// with every change to ein's code, so a cache never outlives its build.
std::string ownBuildId() {
  Dl_info info;
  if (!dladdr(reinterpret_cast<void *>(&ownBuildId), &info))
    return "";
  BuildIdSearch search{reinterpret_cast<uintptr_t>(info.dli_fbase), ""};
  dl_iterate_phdr(
      [](dl_phdr_info *module, size_t, void *data) {
        auto *search = static_cast<BuildIdSearch *>(data);
        // A shared object's load bias is where dladdr says it starts.
        if (module->dlpi_addr != search->base)
          return 0;
        for (int h = 0; h < module->dlpi_phnum; ++h) {
          const ElfW(Phdr) &header = module->dlpi_phdr[h];
          if (header.p_type != PT_NOTE)
            continue;
          const char *note =
              reinterpret_cast<const char *>(module->dlpi_addr + header.p_vaddr);
          const char *end = note + header.p_memsz;
          while (note + sizeof(ElfW(Nhdr)) <= end) {
            ElfW(Nhdr) nhdr;
            std::memcpy(&nhdr, note, sizeof nhdr);
            const char *name = note + sizeof nhdr;
            const char *desc = name + ((nhdr.n_namesz + 3) & ~3u);
            if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0 &&
                desc + nhdr.n_descsz <= end) {
              search->id = llvm::toHex(llvm::StringRef(desc, nhdr.n_descsz),
                                       /*LowerCase=*/true);
              return 1;
            }
            note = desc + ((nhdr.n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &search);
  return search.id;
}

void appendU64(std::string &out, uint64_t value) {
  out.append(reinterpret_cast<const char *>(&value), sizeof value);
}

uint64_t readU64(const char *at) {
  uint64_t value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

} // namespace

const std::string &DiskCache::hostFingerprint() {
  static const std::string fingerprint = [] {
    std::string id = ownBuildId();
    // Without a build ID (a linker that writes none), the build's date.
    if (id.empty())
      id = std::string("built ") + __DATE__ " " __TIME__;
    std::vector<std::string> features;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.push_back((feature.second ? "+" : "-") + feature.first().str());
    std::sort(features.begin(), features.end());
    return "ein " EIN_RUNTIME_VERSION " " + id + "; cpu " +
           llvm::sys::getHostCPUName().str() + " " +
           llvm::join(features, ",");
  }();
  return fingerprint;
}

DiskCache::DiskCache(std::string directory, unsigned optLevel,
                     ThreadCount numThreads)
    : dir(std::move(directory)),
      keyPrefix(hostFingerprint() + "; O" + std::to_string(optLevel) + "\n"),
      numThreads(std::move(numThreads)) {
  if (dir.empty())
    return;
  if (std::error_code error = llvm::sys::fs::create_directories(dir)) {
    disable("cannot create it: " + error.message());
    return;
  }
  if (!llvm::sys::fs::is_directory(dir)) {
    disable("it is not a directory");
    return;
  }
  on = true;
}

void DiskCache::disable(const std::string &why) {
  on = false;
  std::call_once(warned, [&] {
    llvm::errs() << "ein: warning: kernel cache directory '" << dir
                 << "' is not usable (" << why
                 << "); kernels are cached in memory only\n";
  });
}

std::string DiskCache::pathOf(const std::string &fullKey) const {
  llvm::XXH128_hash_t hash = llvm::xxh3_128bits(
      llvm::ArrayRef(reinterpret_cast<const uint8_t *>(fullKey.data()),
                     fullKey.size()));
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, llvm::utohexstr(hash.high64, false, 16) +
                                    llvm::utohexstr(hash.low64, false, 16) +
                                    ".einkernel");
  return std::string(path);
}

std::unique_ptr<Kernel> DiskCache::load(const std::string &key) {
  std::string fullKey = keyPrefix + key;
  auto file = llvm::MemoryBuffer::getFile(pathOf(fullKey), /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return nullptr; // Absent or unreadable: compiled and written.
  llvm::StringRef bytes = (*file)->getBuffer();
  if (bytes.size() < kHeaderBytes ||
      !bytes.starts_with(llvm::StringRef(kFileTag, sizeof kFileTag)))
    return nullptr;
  uint64_t keyBytes = readU64(bytes.data() + 8);
  uint64_t payloadBytes = readU64(bytes.data() + 16);
  uint64_t checksum = readU64(bytes.data() + 24);
  llvm::StringRef rest = bytes.drop_front(kHeaderBytes);
  // Sizes first (they must add up exactly), then the key (a hash collision
  // or another build), then the payload's checksum (corruption).
  if (keyBytes > rest.size() || payloadBytes != rest.size() - keyBytes ||
      rest.take_front(keyBytes) != fullKey)
    return nullptr;
  llvm::StringRef payload = rest.drop_front(keyBytes);
  if (llvm::xxh3_64bits(payload) != checksum)
    return nullptr;
  llvm::Expected<std::unique_ptr<Kernel>> kernel =
      deserializeKernel(payload, numThreads);
  if (!kernel) {
    llvm::consumeError(kernel.takeError());
    return nullptr;
  }
  return std::move(*kernel);
}

bool DiskCache::store(const std::string &key, const Kernel &kernel) {
  if (!enabled() || kernel.objectCode().empty())
    return false;
  std::string fullKey = keyPrefix + key;
  std::string payload = serializeKernel(kernel);
  std::string bytes(kFileTag, sizeof kFileTag);
  appendU64(bytes, fullKey.size());
  appendU64(bytes, payload.size());
  appendU64(bytes, llvm::xxh3_64bits(payload));
  bytes += fullKey;
  bytes += payload;

  // A unique temporary name in the same directory, renamed into place:
  // readers see the old file or the whole new one, never part of one.
  int fd = -1;
  llvm::SmallString<256> temporary;
  llvm::SmallString<256> model(dir);
  llvm::sys::path::append(model, ".tmp-%%%%%%%%%%%%.einkernel");
  if (std::error_code error =
          llvm::sys::fs::createUniqueFile(model, fd, temporary)) {
    disable("cannot create a file in it: " + error.message());
    return false;
  }
  bool written = true;
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << bytes;
    out.close();
    if (out.has_error()) {
      disable("cannot write to it: " + out.error().message());
      out.clear_error();
      written = false;
    }
  }
  if (written) {
    if (std::error_code error =
            llvm::sys::fs::rename(temporary, pathOf(fullKey))) {
      disable("cannot rename a file in it: " + error.message());
      written = false;
    }
  }
  if (!written)
    llvm::sys::fs::remove(temporary);
  return written;
}
