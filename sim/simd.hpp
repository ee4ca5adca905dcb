// Loops compiled twice: for the baseline x86-64 and for AVX-512 (F, DQ, VL, BW), which GCC turns into
// 8-wide vector code. The AVX-512 form runs where the CPU has it (found once, at start-up). Both forms
// do the same IEEE operations in the same order, so they give the same bits; tests turn the AVX-512
// form off to check that (tests/test_rng.cpp, tests/test_account_scans.cpp, tests/test_engine.cpp). docs/performance.md
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#define SALESIM_SIMD_V4 1
#define SALESIM_V4_TARGET __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))
#else
#define SALESIM_SIMD_V4 0
#define SALESIM_V4_TARGET
#endif

namespace salesim::simd {

bool v4();                  // the AVX-512 forms run here: the CPU has them and they are allowed
void allow_v4(bool allow);  // false: every such loop runs its baseline form (for tests)

}  // namespace salesim::simd
