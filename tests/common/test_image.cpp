// Tests for common/image.hpp: PNG round trips and errors, the matrix-to-image helpers, the grid
// layout, text (cairo), titles and colour bars. Not the plots (test_plot.cpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "common/image.hpp"

namespace pg {
namespace {

namespace fs = std::filesystem;

// a directory for this process's files, removed when it exits
fs::path scratch_dir() {
  return fs::temp_directory_path() / ("pg_test_image_" + std::to_string(::getpid()));
}
struct RemoveScratch {
  ~RemoveScratch() {
    std::error_code ec;
    fs::remove_all(scratch_dir(), ec);
  }
} remove_scratch;

fs::path scratch(const std::string& name) {
  fs::create_directories(scratch_dir());
  return scratch_dir() / name;
}

template <class E, class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no exception)";
}

Image gradient_image(int w, int h) {
  Image im(w, h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      im.set(x, y,
             {static_cast<std::uint8_t>(37 * x + 11 * y), static_cast<std::uint8_t>(255 - 19 * y),
              static_cast<std::uint8_t>(x * y)});
    }
  }
  return im;
}

TEST(png, round_trips_pixels) {
  Image im = gradient_image(7, 5);
  fs::path path = scratch("round_trip.png");
  write_png(path, im);
  Image back = read_png(path);
  EXPECT_EQ(back.width, 7);
  EXPECT_EQ(back.height, 5);
  EXPECT_EQ(back.rgb, im.rgb);
}

TEST(png, write_into_a_missing_directory_names_the_path_and_the_directory) {
  fs::path dir = scratch("no_such_dir");
  fs::path path = dir / "x.png";
  EXPECT_EQ(message_of<std::runtime_error>([&] { write_png(path, Image(2, 2)); }),
            "write_png: cannot write '" + path.string() + "': the directory '" + dir.string() +
                "' does not exist (create it first)");
}

TEST(png, write_onto_a_directory_names_the_path_and_the_reason) {
  fs::path dir = scratch("a_directory");
  fs::create_directories(dir);
  EXPECT_EQ(message_of<std::runtime_error>([&] { write_png(dir, Image(2, 2)); }),
            "write_png: cannot write '" + dir.string() + "': Is a directory");
}

TEST(png, write_rejects_an_empty_or_inconsistent_image) {
  EXPECT_EQ(message_of<std::invalid_argument>([] { write_png(scratch("e.png"), Image()); }),
            "write_png: the image is empty (0 x 0)");
  Image bad(2, 2);
  bad.rgb.pop_back();
  EXPECT_EQ(message_of<std::invalid_argument>([&] { write_png(scratch("b.png"), bad); }),
            "write_png: rgb holds 11 bytes but a 2 x 2 image needs width * height * 3");
}

TEST(png, read_names_a_missing_file) {
  fs::path path = scratch("missing.png");
  EXPECT_EQ(message_of<std::runtime_error>([&] { read_png(path); }),
            "read_png: cannot read '" + path.string() + "': no such file");
}

TEST(png, read_rejects_a_file_that_is_not_a_png) {
  fs::path path = scratch("not_a.png");
  std::ofstream(path) << "hello, this is text";
  EXPECT_THAT(message_of<std::runtime_error>([&] { read_png(path); }),
              testing::StartsWith("read_png: cannot read '" + path.string() + "': "));
}

TEST(image, starts_filled_and_ignores_writes_outside) {
  Image im(3, 2, Rgb{1, 2, 3});
  EXPECT_EQ(im.rgb.size(), 18u);
  EXPECT_EQ(im.get(2, 1), (Rgb{1, 2, 3}));
  im.set(5, 5, kBlack);
  im.set(-1, 0, kBlack);
  im.set(1, 1, Rgb{9, 8, 7});
  EXPECT_EQ(im.get(1, 1), (Rgb{9, 8, 7}));
  EXPECT_EQ(im.rgb[3 * (1 * 3 + 1)], 9);
  im.fill(kWhite);
  EXPECT_EQ(im.get(1, 1), kWhite);
  EXPECT_THROW(im.get(3, 0), std::out_of_range);
}

TEST(from_grayscale, maps_lo_to_black_and_hi_to_white) {
  Mat v(1, 6);
  v << -1.0, 0.0, 0.5, 1.0, 2.0, std::numeric_limits<double>::quiet_NaN();
  Image im = from_grayscale(v, 0.0, 1.0);
  ASSERT_EQ(im.width, 6);
  ASSERT_EQ(im.height, 1);
  const int want[] = {0, 0, 128, 255, 255, 0};
  for (int x = 0; x < 6; ++x) {
    auto level = static_cast<std::uint8_t>(want[x]);
    EXPECT_EQ(im.get(x, 0), (Rgb{level, level, level})) << "x = " << x;
  }
  Image shifted = from_grayscale(Mat::Constant(1, 1, 10.0), 10.0, 20.0);
  EXPECT_EQ(shifted.get(0, 0), kBlack);
}

TEST(from_grayscale, upscales_each_entry_to_a_block) {
  Mat v(2, 3);
  v << 0, 1, 2, 3, 4, 5;
  Image im = from_grayscale(v, 0.0, 5.0, 4);
  ASSERT_EQ(im.width, 12);
  ASSERT_EQ(im.height, 8);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 12; ++x) {
      auto level = static_cast<std::uint8_t>(std::lround(255.0 * v(y / 4, x / 4) / 5.0));
      ASSERT_EQ(im.get(x, y).r, level) << "(" << x << ", " << y << ")";
    }
  }
}

TEST(from_grayscale, rejects_an_empty_range_and_a_zero_scale) {
  Mat v = Mat::Zero(2, 2);
  EXPECT_EQ(message_of<std::invalid_argument>([&] { from_grayscale(v, 1.0, 1.0); }),
            "from_grayscale: lo must be < hi, got lo = 1, hi = 1");
  EXPECT_EQ(message_of<std::invalid_argument>([&] { from_grayscale(v, 0.0, 1.0, 0); }),
            "from_grayscale: scale must be >= 1, got 0");
}

TEST(colormap, runs_from_dark_to_bright_through_the_samples) {
  EXPECT_EQ(colormap(0.0), (Rgb{0, 0, 4}));
  EXPECT_EQ(colormap(1.0), (Rgb{252, 255, 164}));
  EXPECT_EQ(colormap(2.0), colormap(1.0));
  EXPECT_EQ(colormap(0.5, Colormap::viridis), (Rgb{33, 145, 140}));
  EXPECT_EQ(colormap(0.05, Colormap::inferno), (Rgb{11, 6, 31}));  // halfway between samples
  auto luma = [](Rgb c) { return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b; };
  for (auto map : {Colormap::inferno, Colormap::viridis}) {
    for (int i = 1; i <= 100; ++i) {
      EXPECT_GE(luma(colormap(i / 100.0, map)), luma(colormap((i - 1) / 100.0, map)) - 1e-9)
          << "t = " << i / 100.0;
    }
  }
}

TEST(from_heatmap, colours_each_entry_through_the_map) {
  Mat v(1, 2);
  v << 0.0, 1.0;
  Image im = from_heatmap(v, 0.0, 1.0, 3, Colormap::viridis);
  ASSERT_EQ(im.width, 6);
  ASSERT_EQ(im.height, 3);
  EXPECT_EQ(im.get(2, 2), colormap(0.0, Colormap::viridis));
  EXPECT_EQ(im.get(3, 0), colormap(1.0, Colormap::viridis));
}

TEST(overlay_heatmap, mixes_base_and_colour_by_alpha) {
  Image base = from_grayscale(Mat::Constant(2, 2, 100.0), 0.0, 255.0, 2);
  Mat heat(2, 2);
  heat << 1.0, 0.0, 0.0, 0.0;
  Image out = overlay_heatmap(base, heat, 0.5);
  ASSERT_EQ(out.width, 4);
  Rgb hot = colormap(1.0);
  EXPECT_EQ(out.get(1, 1), (Rgb{static_cast<std::uint8_t>(std::lround(50 + hot.r / 2.0)),
                                static_cast<std::uint8_t>(std::lround(50 + hot.g / 2.0)),
                                static_cast<std::uint8_t>(std::lround(50 + hot.b / 2.0))}));
  EXPECT_EQ(out.get(2, 2), (Rgb{50, 50, 52}));  // inferno(0) = (0, 0, 4)
  EXPECT_EQ(overlay_heatmap(base, heat, 0.0).rgb, base.rgb);
}

TEST(overlay_heatmap, rejects_a_base_that_is_not_an_upscale_of_the_heat_map) {
  Image base(10, 9);
  EXPECT_EQ(message_of<std::invalid_argument>([&] { overlay_heatmap(base, Mat::Zero(3, 5), 0.5); }),
            "overlay_heatmap: base is 10 x 9 pixels, not an integer upscale of heat (3, 5)");
}

// the bounding box of the pixels that are not white
struct Box {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
};
Box ink_box(const Image& im, int x0 = 0, int y0 = 0, int x1 = -1, int y1 = -1) {
  if (x1 < 0) x1 = im.width - 1;
  if (y1 < 0) y1 = im.height - 1;
  Box b;
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      if (im.get(x, y) == kWhite) continue;
      b.x0 = std::min(b.x0, x), b.y0 = std::min(b.y0, y);
      b.x1 = std::max(b.x1, x), b.y1 = std::max(b.y1, y);
    }
  }
  return b;
}

int dark_in(const Image& im, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = std::max(y0, 0); y <= std::min(y1, im.height - 1); ++y) {
    for (int x = std::max(x0, 0); x <= std::min(x1, im.width - 1); ++x) n += im.get(x, y).r < 128;
  }
  return n;
}

TEST(tile, size_follows_the_cell_arithmetic) {
  std::vector<Image> images(5, Image(28, 28, kBlack));
  Image plain = tile(images, 3, 4);
  EXPECT_EQ(plain.width, 3 * 28 + 4 * 4);
  EXPECT_EQ(plain.height, 2 * 28 + 3 * 4);

  std::vector<std::string> captions{"a", "longer caption", "", "b", "c"};
  Image captioned = tile(images, 3, 4, captions);
  int cell_w = text_width("longer caption"), cell_h = 28 + 2 + text_height();
  EXPECT_GT(cell_w, 28);
  EXPECT_EQ(captioned.width, 3 * cell_w + 4 * 4);
  EXPECT_EQ(captioned.height, 2 * cell_h + 3 * 4);

  Image two = tile({Image(10, 6), Image(8, 12)}, 5, 1);
  EXPECT_EQ(two.width, 2 * 10 + 3);
  EXPECT_EQ(two.height, 12 + 2);
}

TEST(tile, places_images_row_by_row_centred_in_their_cells) {
  std::vector<Image> images;
  for (std::uint8_t i = 0; i < 4; ++i) images.emplace_back(6, 6, Rgb{i, 0, 0});
  images.emplace_back(2, 2, Rgb{200, 0, 0});
  Image out = tile(images, 2, 3);
  ASSERT_EQ(out.width, 2 * 6 + 3 * 3);
  EXPECT_EQ(out.get(3, 3), (Rgb{0, 0, 0}));
  EXPECT_EQ(out.get(3 + 9, 3), (Rgb{1, 0, 0}));
  EXPECT_EQ(out.get(3, 3 + 9), (Rgb{2, 0, 0}));
  EXPECT_EQ(out.get(3 + 9 + 5, 3 + 9 + 5), (Rgb{3, 0, 0}));
  EXPECT_EQ(out.get(1, 1), kWhite);  // padding
  // the 2x2 image in a 6x6 cell starts 2 pixels in
  EXPECT_EQ(out.get(3 + 2, 3 + 18 + 2), (Rgb{200, 0, 0}));
  EXPECT_EQ(out.get(3 + 1, 3 + 18 + 1), kWhite);
}

TEST(tile, draws_each_caption_centred_under_its_image) {
  Image out = tile({Image(40, 10, kBlack)}, 1, 0, {"T"}, 14);
  ASSERT_EQ(out.height, 10 + 2 + text_height(14));
  Box b = ink_box(out, 0, 10, out.width - 1, out.height - 1);
  ASSERT_GE(b.x1, 0) << "no caption";
  EXPECT_GE(b.y0, 12);
  EXPECT_NEAR((b.x0 + b.x1) / 2.0, 20.0, 2.0);
  EXPECT_GT(dark_in(out, 0, 12, out.width - 1, out.height - 1), 10);
}

TEST(tile, rejects_a_caption_count_that_does_not_match) {
  EXPECT_EQ(message_of<std::invalid_argument>([] {
              tile({Image(2, 2)}, 1, 0, {"a", "b"});
            }),
            "tile: captions has 2 entries but images has 1 (give one caption per image, or none)");
  EXPECT_EQ(message_of<std::invalid_argument>([] { tile({}, 1, 0); }), "tile: images is empty");
  EXPECT_EQ(message_of<std::invalid_argument>([] { tile({Image(2, 2)}, 0, 0); }),
            "tile: columns must be >= 1, got 0");
}

TEST(text, measures_with_the_font) {
  EXPECT_EQ(text_width(""), 0);
  int abc = text_width("abc"), abc24 = text_width("abc", 24);
  EXPECT_GT(abc, 12);
  EXPECT_LT(abc, 30);
  EXPECT_NEAR(abc24, 2 * abc, 2);
  EXPECT_GT(text_width("abcdef"), abc);
  EXPECT_GE(text_width("abc", 12, true), abc);  // bold is at least as wide
  EXPECT_GE(text_height(12), 12);
  EXPECT_LE(text_height(12), 18);
  EXPECT_NEAR(text_height(24), 2 * text_height(12), 2);
}

TEST(text, draw_text_puts_dark_pixels_inside_its_box) {
  Image im(300, 60);
  std::string text = "Hello, g0.85H";  // 'g' reaches below the baseline, 'H' to the cap height
  draw_text(im, 10, 5, text, kBlack, 24);
  Box b = ink_box(im);
  EXPECT_GE(b.x0, 10);
  EXPECT_LE(b.x0, 14);
  EXPECT_GE(b.y0, 5);
  EXPECT_LE(b.x1, 10 + text_width(text, 24));
  EXPECT_GE(b.x1, 10 + text_width(text, 24) - 6);
  EXPECT_LE(b.y1, 5 + text_height(24));
  EXPECT_GT(b.y1 - b.y0, 20);  // cap height plus descender
  EXPECT_GT(dark_in(im, 0, 0, im.width - 1, im.height - 1), 100);
}

TEST(text, draw_text_up_turns_the_box_a_quarter) {
  Image im(60, 200);
  std::string text = "HgH";
  draw_text_up(im, 3, 7, text, kBlack, 24);
  Box b = ink_box(im);
  EXPECT_GE(b.x0, 3);
  EXPECT_GE(b.y0, 7);
  EXPECT_LE(b.x1, 3 + text_height(24));
  EXPECT_LE(b.y1, 7 + text_width(text, 24));
  EXPECT_GT(b.y1 - b.y0, b.x1 - b.x0);  // taller than wide: it reads upwards
}

TEST(colormap, gray_is_from_grayscale) {
  EXPECT_EQ(colormap(0.0, Colormap::gray), kBlack);
  EXPECT_EQ(colormap(1.0, Colormap::gray), kWhite);
  EXPECT_EQ(colormap(0.5, Colormap::gray), (Rgb{128, 128, 128}));
  Mat v(1, 1);
  v << 0.3;
  EXPECT_EQ(from_heatmap(v, 0.0, 1.0, 1, Colormap::gray).get(0, 0),
            from_grayscale(v, 0.0, 1.0).get(0, 0));
}

TEST(add_title, puts_a_band_with_the_title_above_the_body) {
  Image body(200, 100, Rgb{0, 0, 255});
  Image out = add_title(body, "SVM weight templates");
  int band = title_band_height(18, false);
  ASSERT_EQ(out.height, band + 100);
  EXPECT_GE(out.width, 200);
  int x = (out.width - 200) / 2;
  EXPECT_EQ(out.get(x, band), (Rgb{0, 0, 255}));
  EXPECT_EQ(out.get(x + 199, band + 99), (Rgb{0, 0, 255}));
  Box b = ink_box(out, 0, 0, out.width - 1, band - 1);
  ASSERT_GE(b.x1, 0) << "no title";
  EXPECT_NEAR((b.x0 + b.x1) / 2.0, out.width / 2.0, 3.0);
  EXPECT_GT(dark_in(out, 0, 0, out.width - 1, band - 1), 100);

  Image with_sub = add_title(body, "SVM", "lr 0.3, reg 0.01");
  EXPECT_EQ(with_sub.height, title_band_height(18, true) + 100);
  EXPECT_GT(title_band_height(18, true), band);
  // a title wider than the body widens the image
  Image wide = add_title(Image(20, 20), "a title much wider than twenty pixels");
  EXPECT_GT(wide.width, 200);
  EXPECT_EQ(message_of<std::invalid_argument>([&] { add_title(body, ""); }),
            "add_title: the title is empty");
}

TEST(add_colorbar, draws_the_scale_from_lo_at_the_bottom_to_hi_at_the_top) {
  Image body(100, 120, Rgb{0, 255, 0});
  ColorBar bar{-2.0, 2.0, Colormap::gray, "weight", {}};
  Image out = add_colorbar(body, bar);
  ASSERT_EQ(out.height, 120);
  EXPECT_GT(out.width, 100 + kColorBarGap + kColorBarWidth);
  EXPECT_EQ(out.get(50, 60), (Rgb{0, 255, 0}));  // the body is untouched
  int x = 100 + kColorBarGap + kColorBarWidth / 2;
  int top = kColorBarInset, bottom = 120 - 1 - kColorBarInset;
  EXPECT_EQ(out.get(x, top), kWhite);     // hi
  EXPECT_EQ(out.get(x, bottom), kBlack);  // lo
  EXPECT_NEAR(out.get(x, (top + bottom) / 2).r, 128, 3);
  for (int y = top + 1; y <= bottom; ++y) EXPECT_LE(out.get(x, y).r, out.get(x, y - 1).r);
  // tick values to the right of the bar, at the top, the middle (0) and the bottom
  int labels_x = 100 + kColorBarGap + kColorBarWidth + 4;
  EXPECT_GT(dark_in(out, labels_x, 0, out.width - 1, top + 8), 5);
  EXPECT_GT(dark_in(out, labels_x, (top + bottom) / 2 - 6, out.width - 1, (top + bottom) / 2 + 6),
            5);
  EXPECT_GT(dark_in(out, labels_x, bottom - 8, out.width - 1, 119), 5);

  Image viridis = add_colorbar(body, {0.0, 1.0, Colormap::viridis, "", {0.0, 1.0}});
  EXPECT_EQ(viridis.get(x, top), colormap(1.0, Colormap::viridis));
  EXPECT_LT(viridis.width, out.width);  // no label
}

TEST(add_colorbar, rejects_an_empty_range_and_a_short_body) {
  EXPECT_EQ(message_of<std::invalid_argument>([] {
              add_colorbar(Image(10, 60), {1.0, 1.0});
            }),
            "add_colorbar: lo must be < hi, got lo = 1, hi = 1");
  EXPECT_EQ(message_of<std::invalid_argument>([] {
              add_colorbar(Image(10, 20), {0.0, 1.0});
            }),
            "add_colorbar: the image must be at least 48 pixels tall, got 20");
}

}  // namespace
}  // namespace pg
