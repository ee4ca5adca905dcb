// MPI for sweeps (optional; built when CMake finds MPI, SALESIM_WITH_MPI). MPI starts only when
// salesim runs under an MPI launcher (mpirun, srun), so a plain `salesim sweep` never touches it.
#pragma once
#include <memory>

#include "models/batch.hpp"

namespace salesim::cli {

class MpiSession {
 public:
  // Starts MPI if launched by mpirun; without MPI support, refuses a launch with more than one
  // process (they would all write the same files) with a BadInput error.
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  models::Collective& comm() { return *comm_; }
  int rank() const { return comm_->rank(); }
  int size() const { return comm_->size(); }

 private:
  std::unique_ptr<models::Collective> comm_;
  bool started_ = false;
};

// Number of processes the launcher started (1 when not under a launcher).
int launcher_size();

}  // namespace salesim::cli
