// report.html in a real browser (headless Chromium): the embedded PNGs decode and the page renders. Skips, saying
// so, where Chromium is not installed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <png.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "nnlab/report/figures.hpp"
#include "nnlab/report/html_report.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

std::string find_chromium() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "");
    std::vector<std::filesystem::path> candidates;
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (!dir.empty()) candidates.push_back(std::filesystem::path(dir) / "chromium");
    }
    candidates.emplace_back("/usr/bin/chromium");
    for (const auto& candidate : candidates) {
        std::error_code ignored;
        if (std::filesystem::is_regular_file(candidate, ignored)) return candidate.string();
    }
    return {};
}

// Single-quoted for the shell that run_command starts (temporary paths hold no quotes).
std::string shell_quoted(const std::string& text) {
    return "'" + text + "'";
}

// The page plus a script that records, once everything has loaded, how many images there are and whether each
// decoded whole: drawn on a canvas, its last pixel is opaque (the figures have no transparency; a truncated PNG
// shows only its top rows).
std::string with_probe(std::string html) {
    html.insert(html.rfind("</body>"), R"(<script>
window.onload = () => {
  const whole = i => {
    if (!i.complete || i.naturalWidth === 0) return false;
    const canvas = document.createElement('canvas');
    canvas.width = i.naturalWidth;
    canvas.height = i.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(i, 0, 0);
    return context.getImageData(i.naturalWidth - 1, i.naturalHeight - 1, 1, 1).data[3] === 255;
  };
  document.body.setAttribute('data-images', document.images.length);
  document.body.setAttribute('data-decoded', [...document.images].every(whole));
};
</script>
)");
    return html;
}

TEST(HtmlReportInChromium, ImagesDecodeAndThePageRenders) {
    const std::string chromium = find_chromium();
    if (chromium.empty()) {
        GTEST_SKIP() << "chromium is not installed; apt-get install chromium to check report.html in a real browser";
    }
    testing::TempDir dir;
    HtmlReport report{"run report", "two figures", {}};
    report.sections.push_back({"Curves",
                               "",
                               std::nullopt,
                               "",
                               {{"accuracy", render_comparison({{"run", {1, 2, 3, 4}, {0.3, 0.5, 0.55, 0.6}}},
                                                               "Accuracy", "Epoch", "accuracy", FigureFormat::png)}}});
    report.sections.push_back({"Confusion matrix",
                               "",
                               std::nullopt,
                               "",
                               {{"confusion", render_confusion_matrix({90, 10, 5, 95}, {"cat", "dog"},
                                                                      "Confusion Matrix", FigureFormat::png)}}});
    const std::string html = render_html_report(report);
    const auto page = dir.write("report.html", html);
    const auto probe_page = dir.write("probe.html", with_probe(html));
    // The control: the same page with the second PNG cut in half must be caught (browsers show partial images).
    const std::string png = report.sections[1].figures[0].png;
    report.sections[1].figures[0].png = png.substr(0, png.size() / 2);
    const auto broken_page = dir.write("broken.html", with_probe(render_html_report(report)));
    const auto shot = dir / "shot.png";
    const std::string browser = "timeout 60 " + chromium;
    const std::string flags =
        "--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir=" +
        shell_quoted((dir / "profile").string()) + " ";
    const std::string environment = "HOME=" + shell_quoted(dir.path().string());

    const auto dump_dom = [&](const std::filesystem::path& file) {
        return testing::run_command(
            browser, flags + "--virtual-time-budget=5000 --dump-dom " + shell_quoted("file://" + file.string()),
            environment);
    };
    const auto dom = dump_dom(probe_page);
    ASSERT_EQ(dom.exit_code, 0) << dom.output;
    EXPECT_THAT(dom.output, HasSubstr("data-images=\"2\"")) << dom.output.substr(0, 2000);
    EXPECT_THAT(dom.output, HasSubstr("data-decoded=\"true\"")) << dom.output.substr(0, 2000);
    const auto broken = dump_dom(broken_page);
    ASSERT_EQ(broken.exit_code, 0) << broken.output;
    EXPECT_THAT(broken.output, HasSubstr("data-decoded=\"false\"")) << broken.output.substr(0, 2000);

    const auto screenshot =
        testing::run_command(browser,
                             flags + "--screenshot=" + shell_quoted(shot.string()) + " --window-size=1280,2000 " +
                                 shell_quoted("file://" + page.string()),
                             environment);
    ASSERT_EQ(screenshot.exit_code, 0) << screenshot.output;
    const std::string bytes = testing::read_file(shot);
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    ASSERT_TRUE(png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) << image.message;
    EXPECT_EQ(image.width, 1280u);
    EXPECT_EQ(image.height, 2000u);
    image.format = PNG_FORMAT_RGB;
    std::vector<uint8_t> rgb(PNG_IMAGE_SIZE(image));
    ASSERT_TRUE(png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) << image.message;
    // Not one flat colour, and the heatmap's dark blue made it onto the screen.
    std::set<uint32_t> colours;
    size_t dark_blue = 0;
    for (size_t i = 0; i + 2 < rgb.size(); i += 3) {
        colours.insert(static_cast<uint32_t>(rgb[i]) << 16 | static_cast<uint32_t>(rgb[i + 1]) << 8 | rgb[i + 2]);
        dark_blue += rgb[i + 2] > 90 && rgb[i + 2] > rgb[i] + 60 && rgb[i] < 60;
    }
    EXPECT_GT(colours.size(), 50u);
    EXPECT_GT(dark_blue, 1000u);
}

}  // namespace
}  // namespace nnlab
