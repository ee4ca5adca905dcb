// salesim-gui: the desktop app for exploring what-if scenarios (docs/gui.md). This file holds the
// command line, the window and the frame loop, and the screenshot mode that renders a panel
// offscreen (under Xvfb in tests) to a PNG plus a JSON sidecar of what the charts drew.
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <thread>

#include "gui/app.hpp"
#include "gui/exercise_view.hpp"
#include "gui/scenario_doc.hpp"

using namespace salesim;
using namespace salesim::gui;

namespace {

constexpr int kExitOk = 0, kExitInternal = 1, kExitBadInput = 2;

void glfw_error(int code, const char* what) { std::fprintf(stderr, "salesim-gui: GLFW error %d: %s\n", code, what); }

template <class View>
void drop_callback(GLFWwindow* win, int count, const char** paths) {
  if (count > 0) static_cast<View*>(glfwGetWindowUserPointer(win))->open_dropped(paths[0]);
}

void setup_style(float font_px) {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed; nothing to remember between sessions
  const char* env_font = std::getenv("SALESIM_GUI_FONT");
  bool loaded = false;
  for (const std::string& path : {std::string(env_font ? env_font : ""), std::string("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")}) {
    std::error_code ec;
    if (!path.empty() && std::filesystem::exists(path, ec) && io.Fonts->AddFontFromFileTTF(path.c_str(), font_px)) {
      loaded = true;
      break;
    }
  }
  if (!loaded) {  // the built-in font, scaled to a similar size
    ImFontConfig cfg;
    cfg.SizePixels = std::max(13.0f, font_px - 2);
    io.Fonts->AddFontDefault(&cfg);
  }
  ImGui::StyleColorsDark();
  ImGuiStyle& st = ImGui::GetStyle();
  st.WindowRounding = 4;
  st.ChildRounding = 4;
  st.FrameRounding = 3;
  st.PopupRounding = 4;
  st.GrabRounding = 3;
  st.TabRounding = 4;
  st.FramePadding = ImVec2(7, 4);
  st.ItemSpacing = ImVec2(8, 6);
  st.CellPadding = ImVec2(6, 3);
  st.ScrollbarSize = 13;
  ImVec4* c = st.Colors;
  c[ImGuiCol_WindowBg] = ImVec4(0.105f, 0.11f, 0.13f, 1.0f);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);  // transparent: nested panels would paint every pixel again
  c[ImGuiCol_PopupBg] = ImVec4(0.13f, 0.14f, 0.17f, 0.98f);
  c[ImGuiCol_Border] = ImVec4(0.30f, 0.32f, 0.38f, 0.60f);
  c[ImGuiCol_FrameBg] = ImVec4(0.19f, 0.21f, 0.26f, 1.0f);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.24f, 0.27f, 0.34f, 1.0f);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.27f, 0.31f, 0.40f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.22f, 0.30f, 0.45f, 0.85f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.26f, 0.38f, 0.58f, 0.90f);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.035f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.58f, 0.60f, 0.66f, 1.0f);
  c[ImGuiCol_PlotHistogram] = ImVec4(0.22f, 0.50f, 0.85f, 1.0f);  // progress bars
}

bool write_png(const std::string& path, int w, int h) {
  std::vector<unsigned char> px(size_t(w) * size_t(h) * 3), flipped(px.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, px.data());
  const size_t stride = size_t(w) * 3;
  for (int y = 0; y < h; ++y)  // OpenGL's rows start at the bottom
    std::copy_n(px.data() + size_t(h - 1 - y) * stride, stride, flipped.data() + size_t(y) * stride);
  stbi_write_png_compression_level = 9;  // docs/images keeps these files
  // Encoded in memory, then written like every other output (temp file, fsync, rename), so a killed
  // app never leaves a truncated PNG under the final name. docs/reliability.md#atomic-outputs
  std::string png;
  auto append = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), size_t(size)); };
  if (!stbi_write_png_to_func(append, &png, w, h, 3, flipped.data(), int(stride))) return false;
  std::string err;
  return salesim::gui::write_file_atomic(path, png, err);
}

}  // namespace

// The window and the frame loop, for the scenario app and the exercise view alike.
struct WindowParams {
  int width, height, frames, days;
  bool screenshot, live, play;
  std::string screenshot_path;
};

template <class View>
int run_window(View& app, const WindowParams& p) {
  const int width = p.width, height = p.height, frames = p.frames, days = p.days;
  const bool live = p.live, play = p.play;
  const std::string& screenshot = p.screenshot_path;
  struct { bool screenshot; } opt{p.screenshot};
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "salesim-gui: cannot open a window (no display?). For screenshots without a screen run: "
                         "xvfb-run -a -s '-screen 0 1600x1000x24' salesim-gui SCENARIO --screenshot FILE.png\n");
    return kExitInternal;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(width, height, "salesim-gui", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "salesim-gui: cannot create an OpenGL 3.0 window\n");
    glfwTerminate();
    return kExitInternal;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(opt.screenshot ? 0 : 1);
  glfwSetWindowUserPointer(window, &app);
  glfwSetDropCallback(window, drop_callback<View>);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  setup_style(16.0f);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  if (opt.screenshot && !live) app.run_until(days);  // charts show the finished run (or --days of it)
  else if (play || live) app.play();

  int rc = kExitOk, frame = 0, quiet_frames = 0;
  using Clock = std::chrono::steady_clock;
  double ui_seconds = 0, gl_seconds = 0;  // where frame time goes (screenshot sidecar)
  std::string title;
  while (!glfwWindowShouldClose(window) && !app.quit_requested()) {
    const auto t0 = Clock::now();
    // Sleep when nothing moves: the simulation needs the cores more than an idle window.
    if (opt.screenshot || app.animating() || quiet_frames < 3) glfwPollEvents();
    else glfwWaitEventsTimeout(0.25);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    if (opt.screenshot) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no hover read-outs in screenshots
    quiet_frames = (io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseDown[0] || io.InputQueueCharacters.Size) ? 0 : quiet_frames + 1;
    if (const std::string t = app.window_title(); t != title) glfwSetWindowTitle(window, (title = t).c_str());
    const auto t_ui = Clock::now();
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
    const auto t_gl = Clock::now();
    ui_seconds += std::chrono::duration<double>(t_gl - t_ui).count();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glFinish();
    gl_seconds += std::chrono::duration<double>(Clock::now() - t_gl).count();
    if (opt.screenshot && ++frame >= frames) {
      if (live) app.pause();
      if (fw != width || fh != height)
        std::fprintf(stderr, "salesim-gui: the window is %dx%d, not %dx%d (is the screen large enough?)\n", fw, fh, width, height);
      if (!write_png(screenshot, fw, fh)) {
        std::fprintf(stderr, "salesim-gui: cannot write %s\n", screenshot.c_str());
        rc = kExitInternal;
        break;
      }
      nlohmann::json side = app.sidecar();
      side["png"] = screenshot;
      side["width"] = fw;
      side["height"] = fh;
      side["frames"] = frames;
      side["live"] = live;
      side["fps"] = ImGui::GetIO().Framerate;  // ImGui's average over the last frames
      side["ui_ms_per_frame"] = 1000 * ui_seconds / frames;
      side["gl_ms_per_frame"] = 1000 * gl_seconds / frames;
      std::string err;
      if (!write_file_atomic(screenshot + ".json", side.dump(1) + "\n", err)) {
        std::fprintf(stderr, "salesim-gui: %s\n", err.c_str());
        rc = kExitInternal;
      }
      std::printf("wrote %s (%dx%d) and %s.json\n", screenshot.c_str(), fw, fh, screenshot.c_str());
      break;
    }
    glfwSwapBuffers(window);
    if (!opt.screenshot || live) {  // at most ~60 fps when the driver does not sync to the display
      const auto spent = Clock::now() - t0;
      const auto budget = std::chrono::microseconds(16000);
      if (spent < budget) std::this_thread::sleep_for(budget - spent);
    }
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return rc;
}

int main(int argc, char** argv) {
  CLI::App cli{"salesim-gui: explore what-if scenarios of a sales organisation (docs/gui.md)"};
  AppOptions opt;
  opt.recovery_path = default_recovery_path();
  std::string screenshot, panel = "run", size = "1600x1000";
  int frames = 3, days = -1, threads = 0;
  bool no_recovery = false, play = false, live = false;
  std::optional<uint64_t> seed;
  cli.add_option("scenario", opt.scenario_path, "Scenario file (JSON); default: scenarios/default.json");
  cli.add_option("--screenshot", screenshot, "Render offscreen, write this PNG (and FILE.json: what was drawn), exit");
  cli.add_option("--frames", frames, "Frames to render before the screenshot")->check(CLI::Range(1, 1000));
  std::vector<std::string> panels = panel_names();
  panels.push_back("play");
  panels.push_back("debrief");
  cli.add_option("--panel", panel, "Panel to show (with --exercise: play or debrief)")->check(CLI::IsMember(panels));
  ExerciseViewOptions xo;
  cli.add_option("--exercise", xo.exercise_path, "Play this exercise turn by turn (docs/exercises.md) instead of exploring a scenario");
  cli.add_option("--decisions", xo.decisions_path, "With --exercise: a recorded decisions file, played in the screenshot mode");
  cli.add_option("--turn", xo.turn, "With --exercise --panel play: show the start of this turn (earlier turns played)");
  cli.add_option("--size", size, "Window size WIDTHxHEIGHT");
  cli.add_option("--days", days, "Screenshot mode: simulate this many days (default: to the end)")->check(CLI::NonNegativeNumber);
  cli.add_option("--seed", seed, "Seed for A and B (default: the scenario's)");
  cli.add_option("--threads", threads, "OpenMP threads per engine (default: all cores but one)")->check(CLI::NonNegativeNumber);
  cli.add_option("--set", opt.sets, "Override a parameter of A: JSON_POINTER=VALUE");
  cli.add_option("--set-b", opt.sets_b, "Make B a copy of A with this override (repeatable): JSON_POINTER=VALUE");
  cli.add_option("--family", opt.family, "Open this parameter family in the scenario panel (e.g. reps, forecast)");
  cli.add_option("--filter", opt.filter, "Search the parameters for this text");
  cli.add_option("--account", opt.account, "Account shown in the buying-centre panel")->check(CLI::NonNegativeNumber);
  cli.add_option("--rep", opt.rep, "Rep selected in the reps and buying-centre panels")->check(CLI::NonNegativeNumber);
  cli.add_option("--edit", opt.edits, "Edit a parameter as the panel would (validated; refused if invalid): JSON_POINTER=VALUE");
  cli.add_option("--save", opt.save_as, "Save scenario A (after --set and --edit) to this JSON file, as File > Save A as");
  cli.add_option("--open", opt.open_after, "Open this scenario file once the app is up, as File > Open would");
  cli.add_option("--smoothing", opt.smoothing_days, "Chart smoothing window in days: 1, 7 or 28")->check(CLI::IsMember({1, 7, 28}));
  cli.add_option("--recovery-file", opt.recovery_path, "Where unsaved edits are kept (default ~/.salesim-gui-recovery.json)");
  cli.add_flag("--no-recovery", no_recovery, "Do not keep or offer unsaved edits");
  cli.add_flag("--play", play, "Start simulating at once");
  cli.add_flag("--live", live, "Screenshot mode: simulate while rendering (at --speed) instead of finishing first");
  cli.add_option("--speed", opt.speed_days_per_s, "Simulated days per second (0: as fast as possible)")->check(CLI::NonNegativeNumber);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = cli.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  int width = 0, height = 0;
  if (std::sscanf(size.c_str(), "%dx%d", &width, &height) != 2 || width < 320 || height < 240 || width > 8192 || height > 8192) {
    std::fprintf(stderr, "salesim-gui: --size %s: expected WIDTHxHEIGHT, e.g. 1600x1000 (at least 320x240)\n", size.c_str());
    return kExitBadInput;
  }
  WindowParams wp{width, height, frames, days, !screenshot.empty(), live, play, screenshot};
  if (!xo.exercise_path.empty()) {
    xo.panel = cli.count("--panel") ? panel : "play";
    xo.threads = threads;
    xo.screenshot = !screenshot.empty();
    ExerciseView view(xo);
    std::string error;
    if (!view.init(error)) {
      std::fprintf(stderr, "salesim-gui: %s\n", error.c_str());
      return kExitBadInput;
    }
    return run_window(view, wp);
  }
  if (!xo.decisions_path.empty() || panel == "play" || panel == "debrief") {
    std::fprintf(stderr, "salesim-gui: --decisions and --panel %s need --exercise FILE\n", panel.c_str());
    return kExitBadInput;
  }
  for (size_t i = 0; i < panel_names().size(); ++i)
    if (panel_names()[i] == panel) opt.panel = Panel(i);
  opt.seed = seed;
  opt.threads = threads;
  opt.screenshot = !screenshot.empty();
  // Screenshots neither read nor write the user's recovery file unless one is named explicitly.
  if (no_recovery || (opt.screenshot && cli.count("--recovery-file") == 0)) opt.recovery_path.clear();

  // Load the scenario before opening a window, so bad input is reported without a display.
  App app(opt);
  std::string error;
  if (!app.init(error)) {
    std::fprintf(stderr, "salesim-gui: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (!error.empty()) std::fprintf(stderr, "salesim-gui: %s\n(showing the problems in the window)\n", error.c_str());

  return run_window(app, wp);
}
