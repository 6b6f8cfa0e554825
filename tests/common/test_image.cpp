// Tests for common/image.hpp and common/font.hpp: PNG round trips and errors, the matrix-to-image
// helpers, the grid layout and the bitmap font. Not the plots (test_plot.cpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "common/font.hpp"
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

TEST(tile, size_follows_the_cell_arithmetic) {
  std::vector<Image> images(5, Image(28, 28, kBlack));
  Image plain = tile(images, 3, 4);
  EXPECT_EQ(plain.width, 3 * 28 + 4 * 4);
  EXPECT_EQ(plain.height, 2 * 28 + 3 * 4);

  std::vector<std::string> captions{"a", "longer caption", "", "b", "c"};
  Image captioned = tile(images, 3, 4, captions);
  int cell_w = text_width("longer caption"), cell_h = 28 + 2 + text_height();
  EXPECT_EQ(cell_w, 83);
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

TEST(tile, draws_each_caption_under_its_image) {
  Image out = tile({Image(20, 10, kBlack)}, 1, 0, {"T"});
  // 'T' at scale 1 is centred: (20 - 5) / 2 = 7; its top bar is row 10 + 2
  EXPECT_EQ(out.get(7, 12), kBlack);
  EXPECT_EQ(out.get(11, 12), kBlack);
  EXPECT_EQ(out.get(6, 12), kWhite);
  EXPECT_EQ(out.get(9, 18), kBlack);
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

TEST(font, measures_six_columns_per_character_without_the_last_gap) {
  EXPECT_EQ(text_width(""), 0);
  EXPECT_EQ(text_width("abc"), 17);
  EXPECT_EQ(text_width("abc", 2), 34);
  EXPECT_EQ(text_height(), 9);
  EXPECT_EQ(text_height(3), 27);
}

TEST(font, every_printable_character_but_space_has_ink) {
  EXPECT_EQ(detail::glyph(' '), detail::glyph(' '));
  for (auto row : detail::glyph(' ')) EXPECT_EQ(row, 0);
  for (int c = 33; c <= 126; ++c) {
    int ink = 0;
    for (auto row : detail::glyph(static_cast<char>(c))) {
      EXPECT_LT(row, 32) << "glyph " << c << " is wider than 5 columns";
      ink += row != 0;
    }
    EXPECT_GT(ink, 0) << "glyph " << c << " is blank";
  }
  EXPECT_EQ(detail::glyph('\n'), detail::glyph('?'));
}

// the bounding box of the pixels that are not white
struct Box {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
};
Box ink_box(const Image& im) {
  Box b;
  for (int y = 0; y < im.height; ++y) {
    for (int x = 0; x < im.width; ++x) {
      if (im.get(x, y) == kWhite) continue;
      b.x0 = std::min(b.x0, x), b.y0 = std::min(b.y0, y);
      b.x1 = std::max(b.x1, x), b.y1 = std::max(b.y1, y);
    }
  }
  return b;
}

TEST(font, draw_text_puts_dark_pixels_inside_its_box) {
  Image im(200, 40);
  std::string text = "Hello, g0.85H";  // 'g' reaches the bottom row, 'H' the top and both sides
  draw_text(im, 10, 5, text, kBlack, 2);
  Box b = ink_box(im);
  EXPECT_EQ(b.x0, 10);
  EXPECT_EQ(b.y0, 5);
  EXPECT_EQ(b.x1, 10 + text_width(text, 2) - 1);
  EXPECT_EQ(b.y1, 5 + text_height(2) - 1);
  EXPECT_EQ(im.get(10, 5), kBlack);  // the top-left pixel of 'H'
}

TEST(font, draw_text_up_turns_the_box_a_quarter) {
  Image im(40, 120);
  std::string text = "HgH";
  draw_text_up(im, 3, 7, text, kBlack, 2);
  Box b = ink_box(im);
  EXPECT_EQ(b.x0, 3);
  EXPECT_EQ(b.y0, 7);
  EXPECT_EQ(b.x1, 3 + text_height(2) - 1);
  EXPECT_EQ(b.y1, 7 + text_width(text, 2) - 1);
  EXPECT_EQ(im.get(3, 7 + text_width(text, 2) - 1), kBlack);  // 'H' starts bottom-left
}

}  // namespace
}  // namespace pg
