// Many draws at once, each bit for bit the number Rng gives (sim/rng.hpp): where the CPU has 64-bit
// vector multiplies (AVX-512DQ, sim/simd.hpp), eight streams are mixed per instruction; anywhere
// else the same loops run one draw at a time. The hash mixes were a seventh of a large run's
// instructions (docs/performance.md); the loops below are the ones that draw many independent numbers
// in a row. tests/test_rng.cpp checks both paths against Rng.
#pragma once
#include <cstddef>
#include <cstdint>

#include "sim/rng.hpp"

namespace salesim {

struct RngBatch {
  // out[i] = s.at(first + i, tick).uniform(): the first uniform of n consecutive entities' streams.
  static void first_uniforms(const RngStream& s, uint64_t first, int64_t tick, size_t n, double* out);
  // out[i] = s.at(entities[i], tick).uniform().
  static void first_uniforms(const RngStream& s, const uint32_t* entities, int64_t tick, size_t n, double* out);
  // out[i] = the i-th of rng's next n uniforms; rng moves on by n draws, as n calls of uniform() would.
  static void uniforms(Rng& rng, size_t n, double* out);
};

}  // namespace salesim
