// Which form of the loops compiled twice runs (sim/simd.hpp).
#include "sim/simd.hpp"

#include <atomic>

namespace salesim::simd {
namespace {

bool cpu_has_v4() {
#if SALESIM_SIMD_V4
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
#else
  return false;
#endif
}

std::atomic<bool> g_allowed{true};

}  // namespace

bool v4() {
  static const bool cpu = cpu_has_v4();  // on first use: right even from another file's static initialiser
  return cpu && g_allowed.load(std::memory_order_relaxed);
}
void allow_v4(bool allow) { g_allowed.store(allow, std::memory_order_relaxed); }

}  // namespace salesim::simd
