// Tests for common/plot.hpp: frame layout and ticks, where PLplot puts the points, error bars,
// title, labels and legend (the frame is known, so pixels can be checked), argument errors.
// Not a pixel-exact snapshot (text and curves are antialiased): a look at the sample PNGs is the
// check on how plots read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <utility>
#include <vector>

#include "common/plot.hpp"

namespace pg {
namespace {

namespace fs = std::filesystem;

template <class E, class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no exception)";
}

int distance(Rgb a, Rgb b) {
  return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}

// a pixel at least half covered by colour c: antialiased edges are mixes a * c + (1 - a) * white,
// so p is mostly c when such a mix with a >= 0.45 matches it (text and axes, gray, do not)
bool mostly(Rgb p, Rgb c) {
  const int pc[3] = {p.r, p.g, p.b}, cc[3] = {c.r, c.g, c.b};
  double num = 0, den = 0;
  for (int k = 0; k < 3; ++k) num += 255 - pc[k], den += 255 - cc[k];
  double a = den > 0 ? std::clamp(num / den, 0.0, 1.0) : 0.0;
  if (a < 0.45) return false;
  for (int k = 0; k < 3; ++k) {
    if (std::abs(pc[k] - (a * cc[k] + (1 - a) * 255)) > 25) return false;
  }
  return true;
}

// some pixel within r of (x, y) is mostly c
bool inked(const Image& im, int x, int y, Rgb c, int r = 1) {
  for (int dy = -r; dy <= r; ++dy) {
    for (int dx = -r; dx <= r; ++dx) {
      if (im.contains(x + dx, y + dy) && mostly(im.get(x + dx, y + dy), c)) return true;
    }
  }
  return false;
}

int count_mostly(const Image& im, Rgb c) {
  int n = 0;
  for (int y = 0; y < im.height; ++y) {
    for (int x = 0; x < im.width; ++x) n += mostly(im.get(x, y), c);
  }
  return n;
}

// dark pixels (text, axes) inside a rectangle
int dark_in(const Image& im, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = std::max(y0, 0); y <= std::min(y1, im.height - 1); ++y) {
    for (int x = std::max(x0, 0); x <= std::min(x1, im.width - 1); ++x) {
      Rgb p = im.get(x, y);
      n += p.r < 128 && p.g < 128 && p.b < 128;
    }
  }
  return n;
}

// accuracy against k for two metrics, with error bars (the knn demo's plot)
std::vector<Series> accuracy_series() {
  std::vector<double> ks{1, 3, 5, 8, 10, 12, 15, 20};
  return {{"L2",
           ks,
           {0.80, 0.82, 0.83, 0.835, 0.83, 0.825, 0.82, 0.81},
           {0.010, 0.008, 0.012, 0.009, 0.011, 0.010, 0.007, 0.012}},
          {"L1", ks, {0.79, 0.81, 0.815, 0.82, 0.822, 0.818, 0.81, 0.80}, {}}};
}

PlotSpec accuracy_spec() { return {"accuracy vs k", "k", "accuracy", false, {}, {}}; }

bool is_1_2_5_step(double step) {
  double norm = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  return std::abs(norm - 1) < 1e-6 || std::abs(norm - 2) < 1e-6 || std::abs(norm - 5) < 1e-6;
}

TEST(render_plot, returns_an_image_of_the_requested_size) {
  Image im = render_plot(accuracy_spec(), accuracy_series());
  EXPECT_EQ(im.width, 800);
  EXPECT_EQ(im.height, 500);
  PlotSpec small = accuracy_spec();
  small.width = 320;
  small.height = 200;
  Image little = render_plot(small, accuracy_series());
  EXPECT_EQ(little.width, 320);
  EXPECT_EQ(little.height, 200);
  EXPECT_EQ(plot_frame(small, accuracy_series()).font_size, 10);
  EXPECT_EQ(plot_frame(accuracy_spec(), accuracy_series()).font_size, 13);
}

TEST(render_plot, prints_nothing) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  render_plot(accuracy_spec(), accuracy_series());
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(render_plot, draws_every_series_in_its_palette_colour) {
  Image im = render_plot(accuracy_spec(), accuracy_series());
  EXPECT_NE(series_color(0), series_color(1));
  EXPECT_GT(count_mostly(im, series_color(0)), 500);
  EXPECT_GT(count_mostly(im, series_color(1)), 500);
  EXPECT_EQ(count_mostly(im, series_color(2)), 0);
}

TEST(render_plot, puts_a_marker_on_each_point_at_the_frames_pixel) {
  auto series = accuracy_series();
  PlotFrame f = plot_frame(accuracy_spec(), series);
  Image im = render_plot(accuracy_spec(), series);
  // L2 is drawn first, so where L1 passes over an L2 point the pixel may be L1's
  for (std::size_t s = 0; s < series.size(); ++s) {
    for (std::size_t i = 0; i < series[s].x.size(); ++i) {
      int x = f.px(series[s].x[i]), y = f.py(series[s].y[i]);
      Rgb c = im.get(x, y);
      EXPECT_TRUE(distance(c, series_color(s)) <= 12 || distance(c, series_color(1)) <= 12)
          << "series " << s << " point " << i << " at (" << x << ", " << y << ")";
    }
  }
  // the marker is a disc of radius 3.5 around the point (which may sit between two pixels)
  int x = f.px(1), y = f.py(0.80);
  for (int dy = -2; dy <= 2; ++dy) {
    for (int dx = -2; dx <= 2; ++dx) {
      if (std::abs(dx) + std::abs(dy) > 2) continue;
      EXPECT_LE(distance(im.get(x + dx, y + dy), series_color(0)), 12) << dx << ", " << dy;
    }
  }
  EXPECT_FALSE(inked(im, x - 7, y, series_color(0), 0));
}

TEST(render_plot, shifts_a_series_by_its_dx_in_pixels) {
  std::vector<Series> two{{"a", {1.0, 2.0}, {0.5, 0.5}, {0.1, 0.1}, -6},
                          {"b", {1.0, 2.0}, {0.5, 0.5}, {0.1, 0.1}, 6}};
  PlotSpec spec{"", "", "", false, 0.0, 1.0};
  PlotFrame f = plot_frame(spec, two);
  Image im = render_plot(spec, two);
  int x = f.px(1.0);
  // the error bars stand 12 pixels apart, each its series' colour
  EXPECT_TRUE(inked(im, x - 6, f.py(0.57), series_color(0), 0));
  EXPECT_TRUE(inked(im, x + 6, f.py(0.57), series_color(1), 0));
  EXPECT_FALSE(inked(im, x, f.py(0.57), series_color(0), 1));
  EXPECT_FALSE(inked(im, x, f.py(0.57), series_color(1), 1));
}

TEST(render_plot, draws_error_bars_with_caps_above_and_below_a_point) {
  std::vector<Series> one{{"", {2.0}, {0.5}, {0.1}}};
  PlotSpec spec{"", "", "", false, 0.0, 1.0};
  PlotFrame f = plot_frame(spec, one);
  Image im = render_plot(spec, one);
  Rgb c = series_color(0);
  int x = f.px(2.0);
  EXPECT_LE(distance(im.get(x, f.py(0.5)), c), 12);
  EXPECT_TRUE(inked(im, x, f.py(0.58), c));
  EXPECT_TRUE(inked(im, x, f.py(0.42), c));
  EXPECT_TRUE(inked(im, x - kPlotErrorCap, f.py(0.6), c));  // the caps span 4 pixels each side
  EXPECT_TRUE(inked(im, x + kPlotErrorCap, f.py(0.4), c));
  EXPECT_FALSE(inked(im, x - kPlotErrorCap - 3, f.py(0.6), c));
  EXPECT_FALSE(inked(im, x, f.py(0.63), c));  // and end at y +- yerr
  EXPECT_FALSE(inked(im, x, f.py(0.37), c));

  std::vector<Series> bare{{"", {2.0}, {0.5}, {}}};
  Image no_bars = render_plot(spec, bare);
  EXPECT_LE(distance(no_bars.get(x, f.py(0.5)), c), 12);
  EXPECT_FALSE(inked(no_bars, x, f.py(0.58), c));
}

TEST(render_plot, draws_the_axes_box_on_the_frame) {
  PlotFrame f = plot_frame(accuracy_spec(), accuracy_series());
  Image im = render_plot(accuracy_spec(), accuracy_series());
  int mid_x = (f.left + f.right) / 2, mid_y = (f.top + f.bottom) / 2;
  for (auto [x, y] : std::vector<std::pair<int, int>>{
           {f.left, mid_y}, {f.right, mid_y}, {mid_x, f.top}, {mid_x, f.bottom}}) {
    EXPECT_LE(distance(im.get(x, y), Rgb{60, 60, 60}), 12) << x << ", " << y;
  }
  // a tick below each x tick value, outside the box
  for (double v : f.x_ticks) EXPECT_TRUE(inked(im, f.px(v), f.bottom + 3, Rgb{60, 60, 60}, 0)) << v;
}

TEST(render_plot, writes_the_title_subtitle_and_axis_labels_where_the_frame_says) {
  PlotSpec spec = accuracy_spec();
  spec.subtitle = "bars: \u00b1 1 std over 5 folds";
  PlotFrame f = plot_frame(spec, accuracy_series());
  Image im = render_plot(spec, accuracy_series());
  ASSERT_GT(f.title.w, 0);
  EXPECT_LT(f.title.y + f.title.h, f.top);
  EXPECT_GT(dark_in(im, f.title.x, f.title.y, f.title.x + f.title.w, f.title.y + f.title.h), 100);
  // nothing dark above the box but the heading
  EXPECT_EQ(dark_in(im, 0, 0, im.width - 1, f.title.y - 2), 0);
  EXPECT_EQ(dark_in(im, 0, f.title.y + f.title.h + 3, im.width - 1, f.top - 2), 0);
  // the subtitle makes the heading taller
  PlotFrame plain = plot_frame(accuracy_spec(), accuracy_series());
  EXPECT_GT(f.title.h, plain.title.h);
  EXPECT_GT(f.top, plain.top);
  // the x label under the tick labels, the y label left of the y tick labels
  EXPECT_GT(dark_in(im, f.left, f.bottom + 30, f.right, im.height - 1), 20);
  EXPECT_GT(dark_in(im, 0, f.top, 28, f.bottom), 20);

  PlotSpec bare{"", "", "", false, {}, {}};
  PlotFrame fb = plot_frame(bare, accuracy_series());
  Image none = render_plot(bare, accuracy_series());
  EXPECT_EQ(fb.title.w, 0);
  EXPECT_EQ(dark_in(none, 0, 0, none.width - 1, fb.top - 2), 0);
  EXPECT_EQ(dark_in(none, 0, fb.top, 7, fb.bottom), 0);
}

TEST(render_plot, puts_the_legend_in_a_free_corner_of_the_plot_area) {
  auto series = accuracy_series();
  PlotFrame f = plot_frame(accuracy_spec(), series);
  Image im = render_plot(accuracy_spec(), series);
  const PlotFrame::Box& b = f.legend;
  ASSERT_GT(b.w, 0);
  EXPECT_GT(b.x, f.left);
  EXPECT_LT(b.x + b.w, f.right);
  EXPECT_GT(b.y, f.top);
  EXPECT_LT(b.y + b.h, f.bottom);
  // its labels and one sample line per series
  EXPECT_GT(dark_in(im, b.x, b.y, b.x + b.w, b.y + b.h), 30);
  int samples[2] = {0, 0};
  for (int y = b.y; y < b.y + b.h; ++y) {
    for (int x = b.x; x < b.x + b.w; ++x) {
      for (int s = 0; s < 2; ++s) samples[s] += distance(im.get(x, y), series_color(s)) <= 12;
    }
  }
  EXPECT_GT(samples[0], 20);
  EXPECT_GT(samples[1], 20);

  // a curve rising to the top right corner: the legend goes to the top left, which is free
  std::vector<Series> rising{{"rising", {0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}, {}}};
  PlotFrame r = plot_frame(accuracy_spec(), rising);
  EXPECT_LT(r.legend.x, (r.left + r.right) / 2);
  EXPECT_LT(r.legend.y, (r.top + r.bottom) / 2);
  // and falling from the top left: top right
  std::vector<Series> falling{{"falling", {0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {}}};
  PlotFrame fl = plot_frame(accuracy_spec(), falling);
  EXPECT_GT(fl.legend.x, (fl.left + fl.right) / 2);
  EXPECT_LT(fl.legend.y, (fl.top + fl.bottom) / 2);

  std::vector<Series> unlabelled{{"", {1, 2}, {1, 2}, {}}};
  EXPECT_EQ(plot_frame(accuracy_spec(), unlabelled).legend.w, 0);
}

TEST(render_plot, ticks_are_round_1_2_5_steps_inside_the_limits) {
  PlotFrame f = plot_frame(accuracy_spec(), accuracy_series());
  for (const auto* ticks : {&f.x_ticks, &f.y_ticks}) {
    ASSERT_GE(ticks->size(), 3u);
    double step = (*ticks)[1] - (*ticks)[0];
    EXPECT_TRUE(is_1_2_5_step(step)) << step;
    for (std::size_t i = 1; i < ticks->size(); ++i) {
      EXPECT_NEAR((*ticks)[i] - (*ticks)[i - 1], step, 1e-12);
    }
  }
  EXPECT_GE(f.y_ticks.front(), f.y_lo);
  EXPECT_LE(f.y_ticks.back(), f.y_hi);
  // the error bars are inside the limits: 0.79 - 0 and 0.835 + 0.009
  EXPECT_LT(f.y_lo, 0.79);
  EXPECT_GT(f.y_hi, 0.844);
  EXPECT_LT(f.left, f.right);
  EXPECT_LT(f.top, f.bottom);
}

TEST(render_plot, uses_fixed_y_limits_when_given) {
  PlotSpec spec = accuracy_spec();
  spec.ymin = 0.0;
  spec.ymax = 1.0;
  PlotFrame f = plot_frame(spec, accuracy_series());
  EXPECT_EQ(f.y_lo, 0.0);
  EXPECT_EQ(f.y_hi, 1.0);
  EXPECT_EQ(f.py(0.0), f.bottom);
  EXPECT_EQ(f.py(1.0), f.top);
  EXPECT_EQ(f.y_ticks.front(), 0.0);
  EXPECT_EQ(f.y_ticks.back(), 1.0);
}

TEST(render_plot, puts_log_x_ticks_at_powers_of_ten) {
  PlotSpec spec{"validation accuracy", "learning rate", "accuracy", true, {}, {}};
  std::vector<Series> s{{"softmax", {1e-7, 1e-6, 1e-5, 1e-4, 1e-3}, {0.2, 0.5, 0.8, 0.7, 0.1}, {}}};
  PlotFrame f = plot_frame(spec, s);
  ASSERT_GE(f.x_ticks.size(), 3u);
  for (double t : f.x_ticks) EXPECT_NEAR(std::log10(t), std::round(std::log10(t)), 1e-12) << t;
  EXPECT_FALSE(f.x_minor_ticks.empty());
  EXPECT_NEAR(f.px(1e-5), (f.left + f.right) / 2.0, 1.0);  // log spacing: the middle decade
  EXPECT_NO_THROW(render_plot(spec, s));
}

TEST(render_plot, keeps_out_of_range_values_inside_the_plot_area) {
  PlotSpec spec{"loss", "iteration", "loss", false, 0.0, 2.0};
  std::vector<Series> s{{"", {0, 1, 2, 3}, {1e9, 1.5, -1e300, 0.5}, {}}};
  PlotFrame f = plot_frame(spec, s);
  Image im = render_plot(spec, s);
  Rgb c = series_color(0);
  int n = 0;
  for (int y = 0; y < im.height; ++y) {
    for (int x = 0; x < im.width; ++x) {
      if (!mostly(im.get(x, y), c)) continue;
      ++n;
      ASSERT_TRUE(x >= f.left - 1 && x <= f.right + 1 && y >= f.top - 1 && y <= f.bottom + 1)
          << x << ", " << y;
    }
  }
  EXPECT_GT(n, 100);
}

TEST(render_plot, skips_non_finite_points) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<Series> s{{"loss", {0, 1, 2, 3}, {2.0, nan, 1.0, 0.5}, {}}};
  PlotFrame f = plot_frame(accuracy_spec(), s);
  EXPECT_LT(f.y_lo, 0.5);
  EXPECT_GT(f.y_hi, 2.0);
  EXPECT_NO_THROW(render_plot(accuracy_spec(), s));
}

TEST(render_plot, mismatched_lengths_throw_naming_the_series_and_the_lengths) {
  auto series = accuracy_series();
  series[1].label = "val";
  series[1].y.pop_back();
  EXPECT_EQ(message_of<std::invalid_argument>([&] { render_plot(accuracy_spec(), series); }),
            "render_plot: series 1 ('val') has 8 x values but 7 y values");
  series = accuracy_series();
  series[0].yerr.resize(3);
  EXPECT_EQ(message_of<std::invalid_argument>([&] { render_plot(accuracy_spec(), series); }),
            "render_plot: series 0 ('L2') has 8 y values but 3 yerr values (give one per point, or "
            "none)");
}

TEST(render_plot, rejects_empty_series_and_other_bad_arguments) {
  auto spec = accuracy_spec();
  EXPECT_EQ(message_of<std::invalid_argument>([&] { render_plot(spec, {}); }),
            "render_plot: no series to plot");
  EXPECT_EQ(message_of<std::invalid_argument>([&] { render_plot(spec, {Series{}}); }),
            "render_plot: series 0 is empty (x and y have 0 values)");
  std::vector<Series> neg{{"a", {1, 2}, {1, 2}, {0.1, -0.2}}};
  EXPECT_EQ(message_of<std::invalid_argument>([&] { render_plot(spec, neg); }),
            "render_plot: series 0 ('a') has yerr[1] = -0.2 < 0");
  spec.log_x = true;
  std::vector<Series> zero{{"a", {0, 2}, {1, 2}, {}}};
  EXPECT_EQ(message_of<std::invalid_argument>([&] { render_plot(spec, zero); }),
            "render_plot: log_x needs x > 0, but series 0 ('a') has x[0] = 0");
  spec.log_x = false;
  spec.ymin = 1.0;
  spec.ymax = 0.0;
  EXPECT_EQ(message_of<std::invalid_argument>([&] { render_plot(spec, accuracy_series()); }),
            "render_plot: ymin (1) must be < ymax (0)");
  spec = accuracy_spec();
  spec.width = 100;
  EXPECT_EQ(message_of<std::invalid_argument>([&] { render_plot(spec, accuracy_series()); }),
            "render_plot: the plot must be at least 200 x 150 pixels, got 100 x 500");
}

TEST(write_plot_png, writes_the_rendered_image) {
  fs::path dir = fs::temp_directory_path() / ("pg_test_plot_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write_plot_png(dir / "plot.png", accuracy_spec(), accuracy_series());
  // the same pixels again: rendering is deterministic
  EXPECT_EQ(read_png(dir / "plot.png").rgb, render_plot(accuracy_spec(), accuracy_series()).rgb);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pg
