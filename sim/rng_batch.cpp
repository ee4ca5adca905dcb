// Batches of keyed draws (sim/rng_batch.hpp). Each loop is written once and compiled twice, into a
// table of kernels: for the baseline x86-64 and for AVX-512, where GCC vectorises the 64-bit
// multiplies of the mixes (sim/simd.hpp says which runs).
#include "sim/rng_batch.hpp"

#include "sim/simd.hpp"

namespace salesim {
namespace {

struct Kernels {
  void (*range)(uint64_t base, uint64_t first, int64_t tick, size_t n, double* out);
  void (*list)(uint64_t base, const uint32_t* entities, int64_t tick, size_t n, double* out);
  void (*seq)(uint64_t key, uint64_t counter, size_t n, double* out);
};

// The three loops, as functions NAME_range, NAME_list, NAME_seq compiled with ATTR, and their table NAME.
#define SALESIM_RNG_KERNELS(NAME, ATTR)                                                                  \
  ATTR void NAME##_range(uint64_t base, uint64_t first, int64_t tick, size_t n, double* out) {          \
    for (size_t i = 0; i < n; ++i) out[i] = Rng::to_uniform(Rng::draw(Rng::key_of(base, first + i, tick), 1)); \
  }                                                                                                      \
  ATTR void NAME##_list(uint64_t base, const uint32_t* e, int64_t tick, size_t n, double* out) {         \
    for (size_t i = 0; i < n; ++i) out[i] = Rng::to_uniform(Rng::draw(Rng::key_of(base, e[i], tick), 1)); \
  }                                                                                                      \
  ATTR void NAME##_seq(uint64_t key, uint64_t counter, size_t n, double* out) {                          \
    for (size_t i = 0; i < n; ++i) out[i] = Rng::to_uniform(Rng::draw(key, counter + 1 + i));           \
  }                                                                                                      \
  constexpr Kernels NAME{NAME##_range, NAME##_list, NAME##_seq};

SALESIM_RNG_KERNELS(scalar, )

#if SALESIM_SIMD_V4
SALESIM_RNG_KERNELS(v4, SALESIM_V4_TARGET)
const Kernels& kernels() { return simd::v4() ? v4 : scalar; }
#else
const Kernels& kernels() { return scalar; }
#endif

}  // namespace

void RngBatch::first_uniforms(const RngStream& s, uint64_t first, int64_t tick, size_t n, double* out) {
  kernels().range(s.base(), first, tick, n, out);
}

void RngBatch::first_uniforms(const RngStream& s, const uint32_t* entities, int64_t tick, size_t n, double* out) {
  kernels().list(s.base(), entities, tick, n, out);
}

void RngBatch::uniforms(Rng& rng, size_t n, double* out) {
  kernels().seq(rng.key_, rng.counter_, n, out);
  rng.counter_ += n;
}


}  // namespace salesim
