// Line plots drawn with PLplot (its cairo driver, text by pango in the system's sans-serif font) to
// an Image or a PNG: axes with round tick values, title and subtitle, axis labels, one coloured
// polyline per series with markers and error bars, and a legend. The layout (PlotFrame) is
// computed here, so tests and demos know where each data point lands. Not a general chart
// library: no log y, no bars. Not thread-safe (PLplot keeps global state).
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
  int dx = 0;  // drawn this many pixels right of its x (left if < 0), so that the error bars of
               // series sharing x values stand side by side; PlotFrame::px is the unshifted x
};

// The frame around the curves.
struct PlotSpec {
  std::string title, xlabel, ylabel;
  bool log_x = false;                // x on a log10 scale; every x must then be > 0
  std::optional<double> ymin, ymax;  // fixed y limits; unset = the data (and error bars) + 5%
  int width = 800, height = 500;     // image size in pixels, at least 200 x 150
  std::string subtitle{};            // a smaller line under the title, e.g. what error bars are
};

// Where things land: the plot area in pixels and the data limits it shows. render_plot draws
// exactly this frame; tests and demos use it to find a data point's pixel.
struct PlotFrame {
  struct Box {
    int x = 0, y = 0, w = 0, h = 0;  // top-left corner and size in pixels; w = 0: none
  };
  int left = 0, top = 0, right = 0, bottom = 0;   // plot area, edges included (the axes box)
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;  // data at the left/right/bottom/top edges
  bool log_x = false;
  std::vector<double> x_ticks, y_ticks;  // labelled tick values, ascending, in data units
  std::vector<double> x_minor_ticks;     // unlabelled 2..9 * 10^k ticks on a log x axis
  double font_size = 13;  // pixels, of tick labels, axis labels and legend (10 below 480 x 300)
  Box title;              // the title's and subtitle's text, centred over the plot area
  Box legend;             // the legend: the corner of the plot area its curves cover least

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

// Curves are 2 pixels wide, markers are discs of radius 3.5 pixels (series of up to 60 points or
// with error bars), error bars are 1 pixel wide with caps 4 pixels each side of the point.
inline constexpr double kPlotMarkerRadius = 3.5;
inline constexpr int kPlotErrorCap = 4;

// Draws the series on a white spec.width x spec.height image with PLplot's "memcairo" device.
// Requires: at least one series; each with x.size() == y.size() >= 1 and yerr empty or of the
//           same size, yerr >= 0; x > 0 when log_x; ymin < ymax when both are set; a size of at
//           least 200 x 150. Else std::invalid_argument naming the series and the lengths, e.g.
//           "render_plot: series 1 ('val') has 5 x values but 4 y values".
// Throws std::runtime_error when PLplot's cairo driver is not installed (plplot-driver-cairo).
// Whatever PLplot or the font libraries print while drawing is kept off stdout and stderr.
Image render_plot(const PlotSpec& spec, const std::vector<Series>& series);

// render_plot, then write_png.
void write_plot_png(const std::filesystem::path& path, const PlotSpec& spec,
                    const std::vector<Series>& series);

// A training run's loss curve: every minibatch's loss ("minibatch loss", x in epochs: minibatch i
// of an epoch of per_epoch at (i + 1) / per_epoch), and the trend under its noise, the mean of the
// last per_epoch / 10 minibatches (at least 1, at most 200), from the first full window on. The
// trend is left out when its window is one minibatch (it would be the loss again).
std::vector<Series> minibatch_loss_curves(const std::vector<double>& loss_history,
                                          std::size_t per_epoch);

}  // namespace pg
