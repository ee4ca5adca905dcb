// A small file chooser drawn with ImGui (no native dialog dependency): a directory listing of
// folders and .json files, a path field, and Open / Save buttons.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace salesim::gui {

class FileDialog {
 public:
  // save = true asks for a file name that may not exist yet.
  void open(const std::string& title, const std::string& start_path, bool save);
  // Draws the dialog if open; returns the chosen path once.
  std::optional<std::string> draw();
  bool is_open() const { return open_; }

 private:
  void list(const std::string& dir);
  std::string title_, dir_, name_, error_;
  std::vector<std::pair<std::string, bool>> entries_;  // name, is directory
  bool save_ = false, open_ = false, popup_requested_ = false;
};

}  // namespace salesim::gui
