// Deterministic parallel scans: threads take contiguous index ranges, each with its own output list,
// so the lists read in order are what a serial loop would have produced, at any thread count.
// docs/architecture.md#determinism
#pragma once
#include <algorithm>
#include <omp.h>
#include <vector>

namespace salesim {

// Calls body(i, list) for every i in [0, n), on `threads` threads; list is the calling thread's
// output. Read chunks in order afterwards (for_each_in_order).
template <class T, class Body>
void ordered_scan(long n, int threads, std::vector<std::vector<T>>& chunks, Body&& body) {
  const int nt_max = std::max(1, threads);
  chunks.resize(size_t(nt_max));
  for (auto& c : chunks) c.clear();
#pragma omp parallel num_threads(nt_max)
  {
    const long nt = omp_get_num_threads(), me = omp_get_thread_num();
    std::vector<T>& mine = chunks[size_t(me)];
    for (long i = n * me / nt; i < n * (me + 1) / nt; ++i) body(i, mine);
  }
}

// The same over blocks: body(lo, hi, list) for consecutive ranges [lo, hi) of at most `block` indices
// (a loop the compiler can vectorise inside one block, then a scalar pass over what it found). Each
// block has its own list, so threads can take blocks as they come (work that varies along the range,
// such as orders that are not spread evenly over accounts, is shared out) and the lists read in
// order are still what a serial loop would have produced.
template <class T, class Body>
void ordered_block_scan(long n, int threads, long block, std::vector<std::vector<T>>& chunks, Body&& body) {
  const long blocks = (n + block - 1) / block;
  chunks.resize(size_t(blocks));
#pragma omp parallel for schedule(dynamic, 16) num_threads(std::max(1, threads))
  for (long k = 0; k < blocks; ++k) {
    std::vector<T>& mine = chunks[size_t(k)];
    mine.clear();
    body(k * block, std::min(n, (k + 1) * block), mine);
  }
}

// Appends `lists` lists to `out` in list order, the copies in parallel: list k (size_of(k) items)
// goes to out[at[k], at[k + 1]), written by fill(k, destination). `at` is the caller's scratch. Small
// appends stay on one thread. The same `out` as appending list after list on one thread.
template <class T, class SizeOf, class Fill>
void parallel_append(size_t lists, std::vector<T>& out, std::vector<size_t>& at, int threads, SizeOf&& size_of,
                     Fill&& fill) {
  at.resize(lists + 1);
  at[0] = out.size();
  for (size_t k = 0; k < lists; ++k) at[k + 1] = at[k] + size_t(size_of(k));
  const size_t base = out.size();
  out.resize(at[lists]);
#pragma omp parallel for schedule(static) num_threads(std::max(1, threads)) if (at[lists] - base >= 4096)
  for (long k = 0; k < long(lists); ++k) fill(size_t(k), out.data() + at[size_t(k)]);
}

template <class T, class F>
void for_each_in_order(const std::vector<std::vector<T>>& chunks, F&& f) {
  for (const auto& c : chunks)
    for (const T& x : c) f(x);
}

}  // namespace salesim
