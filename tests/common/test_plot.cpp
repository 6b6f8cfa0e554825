// Tests for common/plot.hpp: frame layout and ticks, series and error-bar pixels, argument errors.
// Not a pixel-exact snapshot: a look at the sample PNGs is the check on how plots read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>

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

int count_colour(const Image& im, Rgb c) {
  int n = 0;
  for (int y = 0; y < im.height; ++y) {
    for (int x = 0; x < im.width; ++x) n += im.get(x, y) == c;
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
  EXPECT_EQ(plot_frame(small, accuracy_series()).text_scale, 1);
}

TEST(render_plot, draws_every_series_in_its_palette_colour) {
  Image im = render_plot(accuracy_spec(), accuracy_series());
  EXPECT_NE(series_color(0), series_color(1));
  EXPECT_GT(count_colour(im, series_color(0)), 500);
  EXPECT_GT(count_colour(im, series_color(1)), 500);
  EXPECT_EQ(count_colour(im, series_color(2)), 0);
}

TEST(render_plot, puts_a_marker_on_each_point) {
  auto series = accuracy_series();
  PlotFrame f = plot_frame(accuracy_spec(), series);
  Image im = render_plot(accuracy_spec(), series);
  // L2 is drawn first, so only its points outside L1's path are checked for L2's colour
  for (std::size_t s = 0; s < series.size(); ++s) {
    for (std::size_t i = 0; i < series[s].x.size(); ++i) {
      Rgb c = im.get(f.px(series[s].x[i]), f.py(series[s].y[i]));
      EXPECT_TRUE(c == series_color(s) || c == series_color(1)) << "series " << s << " point " << i;
    }
  }
  EXPECT_EQ(im.get(f.px(1), f.py(0.80)), series_color(0));
}

TEST(render_plot, draws_error_bars_with_caps_above_and_below_a_point) {
  std::vector<Series> one{{"", {2.0}, {0.5}, {0.1}}};
  PlotSpec spec{"", "", "", false, 0.0, 1.0};
  PlotFrame f = plot_frame(spec, one);
  Image im = render_plot(spec, one);
  Rgb c = series_color(0);
  int x = f.px(2.0);
  EXPECT_EQ(im.get(x, f.py(0.5)), c);
  EXPECT_EQ(im.get(x, f.py(0.58)), c);
  EXPECT_EQ(im.get(x, f.py(0.42)), c);
  EXPECT_EQ(im.get(x - 4, f.py(0.6)), c);  // the caps span 4 pixels each side
  EXPECT_EQ(im.get(x + 4, f.py(0.4)), c);
  EXPECT_NE(im.get(x, f.py(0.62)), c);  // and end at y +- yerr
  EXPECT_NE(im.get(x, f.py(0.38)), c);

  std::vector<Series> bare{{"", {2.0}, {0.5}, {}}};
  Image no_bars = render_plot(spec, bare);
  EXPECT_EQ(no_bars.get(x, f.py(0.5)), c);
  EXPECT_NE(no_bars.get(x, f.py(0.58)), c);
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
  std::vector<Series> s{{"train", {0, 1, 2, 3}, {1e9, 1.5, -1e300, 0.5}, {}}};
  PlotFrame f = plot_frame(spec, s);
  Image im = render_plot(spec, s);
  Rgb c = series_color(0);
  for (int y = 0; y < im.height; ++y) {
    for (int x = 0; x < im.width; ++x) {
      if (im.get(x, y) != c) continue;
      ASSERT_TRUE(x > f.left && x < f.right && y > f.top && y < f.bottom) << x << ", " << y;
    }
  }
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
  EXPECT_EQ(read_png(dir / "plot.png").rgb, render_plot(accuracy_spec(), accuracy_series()).rgb);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pg
