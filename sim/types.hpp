// Dense ids and the domain's fixed vocabularies (journey stages, actions, event kinds).
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace salesim {

using RepId = uint32_t;
using AccountId = uint32_t;
using ContactId = uint32_t;
using PodId = uint32_t;
using RegionId = uint16_t;
using SkuId = uint16_t;
using RoleId = uint16_t;
constexpr uint32_t kNone = 0xFFFFFFFFu;

// The 9-stage buying journey (domain.md section 1). Stored 0-based; reports show 1-based.
enum Stage : uint8_t {
  kUnaware, kNeedRecognised, kResearching, kEvaluating, kShortlisting,
  kEngaged, kNegotiating, kTrial, kRepeat,
};
constexpr int kStages = 9;
constexpr std::array<std::string_view, kStages> kStageNames = {
    "unaware", "need_recognised", "researching", "evaluating", "shortlisting",
    "engaged", "negotiating", "trial", "repeat"};
inline bool is_customer(uint8_t stage) { return stage >= kTrial; }

// What a touch can be (domain.md section 3); parameters per scenario in /actions.
enum Action : uint8_t { kCheckIn, kOrderTaking, kMerchandising, kNeedsDiscovery, kBrochure, kCustomTemplate };
constexpr int kActions = 6;
constexpr std::array<std::string_view, kActions> kActionNames = {
    "check_in", "order_taking", "merchandising", "needs_discovery", "brochure", "custom_template"};

enum EventKind : uint8_t { kEvTouch, kEvOrder, kEvStage, kEvIntervention, kEvPayout, kEvStockout, kEvRepQuit };
constexpr int kEventKinds = 7;
constexpr std::array<std::string_view, kEventKinds> kEventNames = {
    "touch", "order", "stage", "intervention", "payout", "stockout", "rep_quit"};

constexpr std::array<std::string_view, 7> kWeekdayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

}  // namespace salesim
