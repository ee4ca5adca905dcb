// A simulation on its own worker thread. The UI sends commands (reset, play, pause, step, speed) and
// reads the latest published Snapshot; the engine is only ever touched by the worker, so the window
// stays at 60 fps however long a step takes. Conventions habit 14.
#pragma once
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "gui/snapshot.hpp"
#include "sim/engine.hpp"

namespace salesim::gui {

class SimRunner {
 public:
  SimRunner();
  ~SimRunner();
  SimRunner(const SimRunner&) = delete;
  SimRunner& operator=(const SimRunner&) = delete;

  // Builds a fresh engine for `sc` on the worker (asynchronously); keeps playing if it was.
  void reset(const Scenario& sc, EngineOptions opt);
  void play();
  void pause();
  void step_days(int n);       // advance n days, then pause
  void set_speed(double days_per_second);  // <= 0: as fast as possible
  // Stops playing when this day is reached (-1: never); used by the screenshot mode.
  void set_stop_day(int day);
  // Blocks until the engine is built and idle (done, paused or at the stop day). For screenshots.
  void wait_idle();

  bool playing() const { return playing_.load(); }
  bool building() const { return building_.load(); }
  std::shared_ptr<const Snapshot> snapshot() const;
  std::shared_ptr<const WorldView> world() const;
  std::string error() const;  // set when building an engine failed

 private:
  void loop();
  bool has_work() const;  // worker only, with m_ held
  void publish(bool compute_kpis);
  void build(const Scenario& sc, EngineOptions opt);

  mutable std::mutex m_;
  std::condition_variable cv_, idle_cv_;
  bool quit_ = false;
  std::optional<std::pair<Scenario, EngineOptions>> pending_reset_;
  int steps_pending_ = 0;  // days
  int stop_day_ = -1;
  double speed_ = 0;
  bool idle_ = true;            // the worker has nothing to do (under m_)
  std::atomic<bool> playing_{false}, building_{false};
  uint64_t pace_epoch_ = 0;     // bumps on play, speed change and reset: restarts speed pacing

  // worker-only
  std::unique_ptr<Engine> engine_;
  size_t event_cursor_ = 0;
  std::vector<RepTotals> rep_totals_;
  std::shared_ptr<const std::vector<PayoutStatement>> statements_;
  std::shared_ptr<const std::vector<InterventionRecord>> interventions_;
  std::vector<Kpi> last_kpis_;
  uint64_t version_ = 0;
  double measured_speed_ = 0;

  // shared (under m_)
  std::shared_ptr<const Snapshot> snap_;
  std::shared_ptr<const WorldView> world_;
  std::string error_;

  std::thread worker_;  // last: started once every member above is initialised
};

}  // namespace salesim::gui
