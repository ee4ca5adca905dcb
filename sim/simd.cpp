// Which form of the loops compiled twice runs (sim/simd.hpp).
#include "sim/simd.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

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

bool env_off() {
  const char* v = std::getenv("SALESIM_NO_AVX512");
  return v && *v && std::strcmp(v, "0") != 0;
}

// Found on first use: right even when asked from another file's static initialiser.
bool cpu() {
  static const bool has = cpu_has_v4();
  return has;
}
bool env() {
  static const bool off = env_off();
  return off;
}

std::atomic<bool> g_allowed{true};

}  // namespace

bool v4() { return cpu() && !env() && g_allowed.load(std::memory_order_relaxed); }
void allow_v4(bool allow) { g_allowed.store(allow, std::memory_order_relaxed); }

const char* form() {
  if (v4()) return "the AVX-512 form";
  if (!cpu()) return "the baseline form (this CPU has no AVX-512)";
  if (env()) return "the baseline form (SALESIM_NO_AVX512 is set)";
  return "the baseline form (turned off)";
}

}  // namespace salesim::simd
