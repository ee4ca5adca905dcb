// Batches of keyed draws (sim/rng_batch.hpp). Each loop is written once, as a template over how an
// entity is found, and compiled twice: for the baseline x86-64 and for AVX-512 (F, DQ, VL), where GCC
// vectorises the 64-bit multiplies of the mixes; which runs is decided once, from the CPU.
#include "sim/rng_batch.hpp"

#include <atomic>

namespace salesim {
namespace {

template <class Entity>
inline void first_uniforms_loop(uint64_t base, Entity entity, int64_t tick, size_t n, double* out) {
  for (size_t i = 0; i < n; ++i) out[i] = Rng::to_uniform(Rng::draw(Rng::key_of(base, entity(i), tick), 1));
}

inline void uniforms_loop(uint64_t key, uint64_t counter, size_t n, double* out) {
  for (size_t i = 0; i < n; ++i) out[i] = Rng::to_uniform(Rng::draw(key, counter + 1 + i));
}

void range_scalar(uint64_t base, uint64_t first, int64_t tick, size_t n, double* out) {
  first_uniforms_loop(base, [first](size_t i) { return first + i; }, tick, n, out);
}
void list_scalar(uint64_t base, const uint32_t* e, int64_t tick, size_t n, double* out) {
  first_uniforms_loop(base, [e](size_t i) { return uint64_t(e[i]); }, tick, n, out);
}
void seq_scalar(uint64_t key, uint64_t counter, size_t n, double* out) { uniforms_loop(key, counter, n, out); }

#if defined(__x86_64__) && defined(__GNUC__)
#define SALESIM_V4 __attribute__((target("avx512f,avx512dq,avx512vl")))
SALESIM_V4 void range_v4(uint64_t base, uint64_t first, int64_t tick, size_t n, double* out) {
  first_uniforms_loop(base, [first](size_t i) { return first + i; }, tick, n, out);
}
SALESIM_V4 void list_v4(uint64_t base, const uint32_t* e, int64_t tick, size_t n, double* out) {
  first_uniforms_loop(base, [e](size_t i) { return uint64_t(e[i]); }, tick, n, out);
}
SALESIM_V4 void seq_v4(uint64_t key, uint64_t counter, size_t n, double* out) { uniforms_loop(key, counter, n, out); }

bool cpu_has_v4() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}
const bool kCpuHasV4 = cpu_has_v4();
#else
const bool kCpuHasV4 = false;
#endif

std::atomic<bool> g_allowed{true};

bool use_v4() { return kCpuHasV4 && g_allowed.load(std::memory_order_relaxed); }

}  // namespace

void RngBatch::first_uniforms(const RngStream& s, uint64_t first, int64_t tick, size_t n, double* out) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (use_v4()) return range_v4(s.base(), first, tick, n, out);
#endif
  range_scalar(s.base(), first, tick, n, out);
}

void RngBatch::first_uniforms(const RngStream& s, const uint32_t* entities, int64_t tick, size_t n, double* out) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (use_v4()) return list_v4(s.base(), entities, tick, n, out);
#endif
  list_scalar(s.base(), entities, tick, n, out);
}

void RngBatch::uniforms(Rng& rng, size_t n, double* out) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (use_v4()) seq_v4(rng.key_, rng.counter_, n, out);
  else
#endif
    seq_scalar(rng.key_, rng.counter_, n, out);
  rng.counter_ += n;
}

bool RngBatch::vector_path() { return use_v4(); }
void RngBatch::allow_vector_path(bool allow) { g_allowed.store(allow, std::memory_order_relaxed); }

}  // namespace salesim
