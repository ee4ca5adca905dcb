// Small ImGui helpers shared by the panels.
#pragma once
#include <imgui.h>

#include <string>

namespace salesim::gui {

// Text right-aligned in the current table cell (numbers line up by their last digit).
inline void text_right(const std::string& t, bool dim = false) {
  const float w = ImGui::CalcTextSize(t.c_str()).x;
  const float avail = ImGui::GetContentRegionAvail().x;
  if (avail > w) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + avail - w);
  if (dim) ImGui::TextDisabled("%s", t.c_str());
  else ImGui::TextUnformatted(t.c_str());
}

}  // namespace salesim::gui
