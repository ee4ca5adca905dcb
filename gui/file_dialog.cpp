#include "gui/file_dialog.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <filesystem>

namespace salesim::gui {

namespace fs = std::filesystem;

void FileDialog::open(const std::string& title, const std::string& start_path, bool save) {
  title_ = title;
  save_ = save;
  std::error_code ec;
  fs::path p = start_path.empty() ? fs::current_path(ec) : fs::path(start_path);
  if (fs::is_directory(p, ec)) {
    dir_ = fs::absolute(p, ec).string();
    name_.clear();
  } else {
    dir_ = fs::absolute(p, ec).parent_path().string();
    name_ = p.filename().string();
  }
  list(dir_);
  error_.clear();
  open_ = popup_requested_ = true;
}

void FileDialog::list(const std::string& dir) {
  entries_.clear();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string n = it->path().filename().string();
    if (n.empty() || n[0] == '.') continue;
    const bool is_dir = it->is_directory(ec);
    if (is_dir || it->path().extension() == ".json") entries_.emplace_back(n, is_dir);
  }
  std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (ec) error_ = "cannot list " + dir + ": " + ec.message();
}

std::optional<std::string> FileDialog::draw() {
  if (!open_) return std::nullopt;
  if (popup_requested_) {
    ImGui::OpenPopup(title_.c_str());
    popup_requested_ = false;
  }
  std::optional<std::string> chosen;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(std::min(720.0f, vp->WorkSize.x - 40), std::min(520.0f, vp->WorkSize.y - 40)),
                           ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  bool keep = true;
  if (ImGui::BeginPopupModal(title_.c_str(), &keep)) {
    ImGui::TextDisabled("Folder");
    ImGui::SameLine();
    ImGui::TextUnformatted(dir_.c_str());
    if (ImGui::Button("Up")) {
      dir_ = fs::path(dir_).parent_path().string();
      list(dir_);
    }
    const float footer = ImGui::GetFrameHeightWithSpacing() * 2 + 8;
    ImGui::BeginChild("##entries", ImVec2(0, -footer), true);
    for (const auto& [n, is_dir] : entries_) {
      const std::string label = is_dir ? n + "/" : n;
      if (ImGui::Selectable(label.c_str(), !is_dir && n == name_, ImGuiSelectableFlags_AllowDoubleClick)) {
        if (is_dir) {
          dir_ = (fs::path(dir_) / n).string();
          list(dir_);
          break;
        }
        name_ = n;
        if (ImGui::IsMouseDoubleClicked(0)) chosen = (fs::path(dir_) / name_).string();
      }
    }
    ImGui::EndChild();
    ImGui::SetNextItemWidth(-200);
    const bool enter = ImGui::InputTextWithHint("##name", "file name or path", &name_, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button(save_ ? "Save" : "Open", ImVec2(90, 0)) || enter) && !name_.empty()) {
      const fs::path p = fs::path(name_).is_absolute() ? fs::path(name_) : fs::path(dir_) / name_;
      std::error_code ec;
      if (!save_ && !fs::exists(p, ec)) error_ = "no such file: " + p.string();
      else chosen = p.string();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(90, 0))) keep = false;
    if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", error_.c_str());
    if (chosen || !keep) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (chosen || !keep) open_ = false;
  return chosen;
}

}  // namespace salesim::gui
