// Line plots drawn to an Image or a PNG: axes with round tick values, title, axis labels, one
// coloured polyline per series with markers and error bars, and a legend. Not a general chart
// library: no log y, no bars, no antialiasing.
//
// Shapes:  P = points in one series.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/image.hpp"

namespace pg {

// One curve.
struct Series {
  std::string label;  // shown in the legend; empty = not in the legend
  std::vector<double> x,
      y;  // (P) each, P >= 1; non-finite points are skipped (they break the line)
  std::vector<double> yerr;  // (P) or empty: half-length of a vertical error bar, >= 0
};

// The frame around the curves.
struct PlotSpec {
  std::string title, xlabel, ylabel;
  bool log_x = false;                // x on a log10 scale; every x must then be > 0
  std::optional<double> ymin, ymax;  // fixed y limits; unset = the data (and error bars) + 5%
  int width = 800, height = 500;     // image size in pixels, at least 200 x 150
};

// Where things land: the plot area in pixels and the data limits it shows. render_plot draws
// exactly this frame; tests and demos use it to find a data point's pixel.
struct PlotFrame {
  int left = 0, top = 0, right = 0, bottom = 0;   // plot area, edges included (the axes box)
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;  // data at the left/right/bottom/top edges
  bool log_x = false;
  std::vector<double> x_ticks, y_ticks;  // labelled tick values, ascending, in data units
  std::vector<double> x_minor_ticks;     // unlabelled 2..9 * 10^k ticks on a log x axis
  int text_scale = 2;                    // font scale of all text (1 below 480 x 300 pixels)

  int px(double x) const;  // column of data x (log10 applied when log_x)
  int py(double y) const;  // row of data y
};

// The frame render_plot would draw. Ticks are k * step with step in {1, 2, 5} * 10^e (about one
// per 50 pixels of height and 90 of width, fewer if labels would touch); with log_x, ticks sit at
// powers of ten (or at 1-2-5 multiples when the range spans less than two decades).
// Throws std::invalid_argument as render_plot does.
PlotFrame plot_frame(const PlotSpec& spec, const std::vector<Series>& series);

// The colour of series i in every plot: matplotlib's ten "tab10" colours, repeating.
Rgb series_color(std::size_t i);

// Draws the series on a white spec.width x spec.height image.
// Requires: at least one series; each with x.size() == y.size() >= 1 and yerr empty or of the
//           same size, yerr >= 0; x > 0 when log_x; ymin < ymax when both are set; a size of at
//           least 200 x 150. Else std::invalid_argument naming the series and the lengths, e.g.
//           "render_plot: series 1 ('val') has 5 x values but 4 y values".
Image render_plot(const PlotSpec& spec, const std::vector<Series>& series);

// render_plot, then write_png.
void write_plot_png(const std::filesystem::path& path, const PlotSpec& spec,
                    const std::vector<Series>& series);

}  // namespace pg
