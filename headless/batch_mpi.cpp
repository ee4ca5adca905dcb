#include "headless/batch_mpi.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "headless/cli_common.hpp"

#ifdef SALESIM_WITH_MPI
#include <mpi.h>
#endif

namespace salesim::cli {

namespace {
// Environment variables set by the launchers of Open MPI, MPICH/Hydra, PMIx and Slurm's srun.
const char* const kSizeVars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"};
const char* const kRankVars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"};

bool launched_by_mpi() {
  for (const char* v : kSizeVars)
    if (std::getenv(v)) return true;
  for (const char* v : kRankVars)
    if (std::getenv(v)) return true;
  return false;
}

#ifdef SALESIM_WITH_MPI
void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(fmt::format("MPI error in {} (code {})", what, rc));
}

// Collective operations over MPI_COMM_WORLD, called from the main thread only (MPI_THREAD_FUNNELED).
class MpiCollective : public models::Collective {
 public:
  MpiCollective() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string broadcast(const std::string& from_root) override {
    unsigned long long n = from_root.size();
    check(MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
    std::string s = rank_ == 0 ? from_root : std::string(size_t(n), '\0');
    if (n > 0) check(MPI_Bcast(s.data(), int(n), MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
    return s;
  }
  std::vector<std::string> gather(const std::string& mine) override {
    int n = int(mine.size());
    std::vector<int> counts(static_cast<size_t>(size_)), displs(static_cast<size_t>(size_));
    check(MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    std::string all;
    if (rank_ == 0) {
      size_t total = 0;
      for (int i = 0; i < size_; ++i) {
        displs[size_t(i)] = int(total);
        total += size_t(counts[size_t(i)]);
      }
      all.resize(total);
    }
    check(MPI_Gatherv(mine.data(), n, MPI_CHAR, all.data(), counts.data(), displs.data(), MPI_CHAR, 0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    std::vector<std::string> out;
    if (rank_ == 0)
      for (int i = 0; i < size_; ++i) out.push_back(all.substr(size_t(displs[size_t(i)]), size_t(counts[size_t(i)])));
    return out;
  }

 private:
  int rank_ = 0, size_ = 1;
};
#endif
}  // namespace

int launcher_size() {
  for (const char* v : kSizeVars)
    if (const char* s = std::getenv(v)) return std::max(1, std::atoi(s));
  return 1;
}

MpiSession::MpiSession() {
#ifdef SALESIM_WITH_MPI
  if (launched_by_mpi()) {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    started_ = true;
    comm_ = std::make_unique<MpiCollective>();
    return;
  }
#else
  if (launched_by_mpi() && launcher_size() > 1)
    throw BadInput(fmt::format("this salesim was built without MPI, but was started as {} processes (mpirun?): they would "
                               "all run the whole sweep into the same files. Rebuild with MPI (libopenmpi-dev), or split "
                               "the sweep with --shard I/N and salesim merge",
                               launcher_size()));
#endif
  comm_ = std::make_unique<models::Collective>();
}

MpiSession::~MpiSession() {
#ifdef SALESIM_WITH_MPI
  if (started_) MPI_Finalize();
#endif
}

}  // namespace salesim::cli
