// The line-plot renderer: frame layout (margins, limits, 1-2-5 ticks), then grid, curves, axes,
// text and legend, painted in that order. Not interactive and not antialiased.
#include "common/plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "common/errors.hpp"
#include "common/font.hpp"

namespace pg {

namespace {

constexpr Rgb kText{30, 30, 30};
constexpr Rgb kAxis{60, 60, 60};
constexpr Rgb kGrid{228, 228, 228};
constexpr Rgb kLegendBorder{170, 170, 170};
constexpr int kTick = 5;                // tick mark length in pixels
constexpr int kMinorTick = 3;           // log-x minor tick length
constexpr int kLineWidth = 2;           // curve thickness
constexpr int kMarkerRadius = 3;        // point marker
constexpr int kCap = 4;                 // half-width of an error-bar cap
constexpr std::size_t kMaxMarked = 60;  // longer series (loss curves) get no markers

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string name_of(const Series& s, std::size_t i) {
  std::string name = "series " + std::to_string(i);
  return s.label.empty() ? name : name + " ('" + s.label + "')";
}

void validate(const PlotSpec& spec, const std::vector<Series>& series) {
  const char* fn = "render_plot";
  require(spec.width >= 200 && spec.height >= 150, fn,
          "the plot must be at least 200 x 150 pixels, got " + std::to_string(spec.width) + " x " +
              std::to_string(spec.height));
  require(!series.empty(), fn, "no series to plot");
  if (spec.ymin && spec.ymax) {
    require(*spec.ymin < *spec.ymax, fn,
            "ymin (" + num(*spec.ymin) + ") must be < ymax (" + num(*spec.ymax) + ")");
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    std::string name = name_of(s, i);
    require(!s.x.empty() || !s.y.empty(), fn, name + " is empty (x and y have 0 values)");
    require(s.x.size() == s.y.size(), fn,
            name + " has " + std::to_string(s.x.size()) + " x values but " +
                std::to_string(s.y.size()) + " y values");
    require(s.yerr.empty() || s.yerr.size() == s.y.size(), fn,
            name + " has " + std::to_string(s.y.size()) + " y values but " +
                std::to_string(s.yerr.size()) + " yerr values (give one per point, or none)");
    for (std::size_t j = 0; j < s.yerr.size(); ++j) {
      require(!(s.yerr[j] < 0), fn,
              name + " has yerr[" + std::to_string(j) + "] = " + num(s.yerr[j]) + " < 0");
    }
    for (std::size_t j = 0; spec.log_x && j < s.x.size(); ++j) {
      require(
          !(s.x[j] <= 0), fn,
          "log_x needs x > 0, but " + name + " has x[" + std::to_string(j) + "] = " + num(s.x[j]));
    }
  }
}

struct Range {
  double lo = INFINITY, hi = -INFINITY;
  bool any() const { return lo <= hi; }
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

// the range with 5% of its span added on each side; a single value gets +-10% (or +-pad_zero)
Range padded(Range r, double pad_zero) {
  double span = r.hi - r.lo;
  double d = span > 0 ? 0.05 * span : std::max(0.1 * std::abs(r.lo), pad_zero);
  return {r.lo - d, r.hi + d};
}

// the smallest {1, 2, 5} * 10^e that is >= span / target
double nice_step(double span, int target) {
  double raw = span / std::max(target, 1);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / mag;
  return (norm <= 1 + 1e-9 ? 1 : norm <= 2 + 1e-9 ? 2 : norm <= 5 + 1e-9 ? 5 : 10) * mag;
}

// the multiples k * step inside [lo, hi]
std::vector<double> linear_ticks(double lo, double hi, double step) {
  std::vector<double> ticks;
  double eps = step * 1e-9;
  for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps; k += 1) {
    double v = k * step;
    ticks.push_back(std::abs(v) < eps ? 0.0 : v);
  }
  return ticks;
}

// a tick value with as many decimals as the step needs: step 0.02 -> "0.84", step 5 -> "15"
std::string tick_label(double v, double step) {
  double a = std::abs(v);
  if (a != 0 && (a >= 1e6 || a < 1e-4)) return num(v);
  int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// log-axis labels are written out ("0.001", "10000") when every tick is within 1e-3..1e4, else
// all as m e k ("1e-7", "2e-5"), so one axis never mixes the two
bool plain_log_labels(const std::vector<double>& ticks) {
  return std::all_of(ticks.begin(), ticks.end(), [](double v) { return v >= 1e-3 && v <= 1e4; });
}

std::string log_tick_label(double v, bool plain) {
  char buf[32];
  if (plain) {
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
  }
  int k = static_cast<int>(std::floor(std::log10(v) + 1e-9));
  std::snprintf(buf, sizeof buf, "%.3ge%d", v / std::pow(10.0, k), k);
  return buf;
}

int widest(const std::vector<std::string>& labels, int scale) {
  int w = 0;
  for (const auto& l : labels) w = std::max(w, text_width(l, scale));
  return w;
}

double to_axis(const PlotFrame& f, double x) { return f.log_x ? std::log10(x) : x; }

// data -> pixel, as doubles (off-area values stay finite but may be far outside)
double frame_x(const PlotFrame& f, double x) {
  double lo = to_axis(f, f.x_lo), hi = to_axis(f, f.x_hi);
  return f.left + (to_axis(f, x) - lo) / (hi - lo) * (f.right - f.left);
}
double frame_y(const PlotFrame& f, double y) {
  return f.bottom - (y - f.y_lo) / (f.y_hi - f.y_lo) * (f.bottom - f.top);
}

int to_pixel(double v) {
  if (std::isnan(v)) return -1000000;
  return static_cast<int>(std::lround(std::clamp(v, -1e6, 1e6)));
}

// x ticks on a log axis: every stride-th power of ten when the range holds two or more, else the
// 1-2-5 values in range; also the unlabelled 2..9 minor ticks between powers
void log_ticks(PlotFrame& f, double lo, double hi, int plot_w, int scale) {
  int kmin = static_cast<int>(std::ceil(lo - 1e-9)), kmax = static_cast<int>(std::floor(hi + 1e-9));
  f.x_ticks.clear();
  f.x_minor_ticks.clear();
  if (kmax - kmin >= 1) {
    int decades = kmax - kmin;
    std::vector<double> powers;
    for (int k = kmin; k <= kmax; ++k) powers.push_back(std::pow(10.0, k));
    std::vector<std::string> labels;
    for (double v : powers) labels.push_back(log_tick_label(v, plain_log_labels(powers)));
    double per_decade = plot_w / (hi - lo);
    int stride = 1;
    while (stride < decades && stride * per_decade < widest(labels, scale) + 12 * scale) ++stride;
    for (int k = kmin; k <= kmax; k += stride) f.x_ticks.push_back(std::pow(10.0, k));
    for (int k = static_cast<int>(std::floor(lo)); stride == 1 && k <= kmax; ++k) {
      for (int m = 2; m <= 9; ++m) {
        double t = std::log10(m) + k;
        if (t > lo && t < hi) f.x_minor_ticks.push_back(std::pow(10.0, t));
      }
    }
    return;
  }
  for (int k = static_cast<int>(std::floor(lo)) - 1; k <= static_cast<int>(std::ceil(hi)); ++k) {
    for (double m : {1.0, 2.0, 5.0}) {
      double t = std::log10(m) + k;
      if (t >= lo - 1e-9 && t <= hi + 1e-9) f.x_ticks.push_back(m * std::pow(10.0, k));
    }
  }
  if (f.x_ticks.size() < 2) {
    // under half a decade: plain round values
    double a = std::pow(10.0, lo), b = std::pow(10.0, hi);
    f.x_ticks = linear_ticks(a, b, nice_step(b - a, std::max(2, plot_w / 90)));
  }
}

}  // namespace

int PlotFrame::px(double x) const { return to_pixel(frame_x(*this, x)); }
int PlotFrame::py(double y) const { return to_pixel(frame_y(*this, y)); }

Rgb series_color(std::size_t i) {
  static constexpr std::array<Rgb, 10> kTab10{{{31, 119, 180},
                                               {255, 127, 14},
                                               {44, 160, 44},
                                               {214, 39, 40},
                                               {148, 103, 189},
                                               {140, 86, 75},
                                               {227, 119, 194},
                                               {127, 127, 127},
                                               {188, 189, 34},
                                               {23, 190, 207}}};
  return kTab10[i % kTab10.size()];
}

PlotFrame plot_frame(const PlotSpec& spec, const std::vector<Series>& series) {
  validate(spec, series);
  PlotFrame f;
  f.log_x = spec.log_x;
  f.text_scale = spec.width < 480 || spec.height < 300 ? 1 : 2;
  int s = f.text_scale, th = text_height(s);

  // data limits over the finite points, error bars included, x in log10 on a log axis
  Range xr, yr;
  for (const Series& se : series) {
    for (std::size_t i = 0; i < se.x.size(); ++i) {
      double x = se.x[i], y = se.y[i];
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      double e = se.yerr.empty() || !std::isfinite(se.yerr[i]) ? 0.0 : se.yerr[i];
      xr.add(spec.log_x ? std::log10(x) : x);
      yr.add(y - e);
      yr.add(y + e);
    }
  }
  if (!xr.any()) xr = {0.0, 1.0};
  if (!yr.any()) yr = {0.0, 1.0};
  xr = padded(xr, 0.5);
  yr = padded(yr, 0.5);
  if (spec.ymin) yr.lo = *spec.ymin;
  if (spec.ymax) yr.hi = *spec.ymax;
  if (yr.lo >= yr.hi) {
    // one fixed limit on the wrong side of all the data
    if (spec.ymin)
      yr.hi = yr.lo + std::max(1.0, std::abs(yr.lo));
    else
      yr.lo = yr.hi - std::max(1.0, std::abs(yr.hi));
  }
  f.x_lo = spec.log_x ? std::pow(10.0, xr.lo) : xr.lo;
  f.x_hi = spec.log_x ? std::pow(10.0, xr.hi) : xr.hi;
  f.y_lo = yr.lo;
  f.y_hi = yr.hi;

  // vertical margins: title above; tick labels and the x label below
  f.top = spec.title.empty() ? 16 : 12 + th + 12;
  int below = kTick + 5 + th + (spec.xlabel.empty() ? 6 : 8 + th + 8);
  f.bottom = spec.height - 1 - below;
  int plot_h = f.bottom - f.top;

  // y ticks about 50 pixels apart
  double y_step = nice_step(f.y_hi - f.y_lo, std::max(2, plot_h / 50));
  f.y_ticks = linear_ticks(f.y_lo, f.y_hi, y_step);
  std::vector<std::string> y_labels;
  for (double v : f.y_ticks) y_labels.push_back(tick_label(v, y_step));

  // horizontal margins: y label and tick labels on the left, room for half an x label on the right
  f.left = 10 + (spec.ylabel.empty() ? 0 : th + 10) + widest(y_labels, s) + 5 + kTick;
  f.right = spec.width - 1 - (12 + 6 * s);
  int plot_w = f.right - f.left;
  require(plot_w >= 40 && plot_h >= 40, "render_plot",
          "the labels leave no room for the plot in " + std::to_string(spec.width) + " x " +
              std::to_string(spec.height) + " pixels");

  if (spec.log_x) {
    log_ticks(f, xr.lo, xr.hi, plot_w, s);
  } else {
    // about 90 pixels apart, fewer while neighbouring labels would come closer than 12 * s
    for (int target = std::max(2, plot_w / 90);; --target) {
      double step = nice_step(f.x_hi - f.x_lo, target);
      f.x_ticks = linear_ticks(f.x_lo, f.x_hi, step);
      std::vector<std::string> labels;
      for (double v : f.x_ticks) labels.push_back(tick_label(v, step));
      double gap = step / (f.x_hi - f.x_lo) * plot_w;
      if (target <= 2 || gap >= widest(labels, s) + 12 * s) break;
    }
  }
  return f;
}

namespace {

// Liang-Barsky: clips the segment to the rectangle; false when nothing is left
bool clip_segment(double& x0, double& y0, double& x1, double& y1, double left, double top,
                  double right, double bottom) {
  double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {x0 - left, right - x0, y0 - top, bottom - y0};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    double t = q[i] / p[i];
    if (p[i] < 0)
      t0 = std::max(t0, t);
    else
      t1 = std::min(t1, t);
  }
  if (t0 > t1) return false;
  double ax = x0 + t0 * dx, ay = y0 + t0 * dy;
  x1 = x0 + t1 * dx;
  y1 = y0 + t1 * dy;
  x0 = ax;
  y0 = ay;
  return true;
}

// a segment in pixel coordinates, clipped to a little beyond the plot area (margins are
// painted over afterwards)
void plot_segment(Image& img, const PlotFrame& f, double x0, double y0, double x1, double y1, Rgb c,
                  int thickness) {
  if (!clip_segment(x0, y0, x1, y1, f.left - 8, f.top - 8, f.right + 8, f.bottom + 8)) return;
  draw_line(img, to_pixel(x0), to_pixel(y0), to_pixel(x1), to_pixel(y1), c, thickness);
}

// long series without error bars (loss curves) are drawn as a bare line
bool has_markers(const Series& se) { return se.x.size() <= kMaxMarked || !se.yerr.empty(); }

void draw_series(Image& img, const PlotFrame& f, const Series& se, Rgb c) {
  bool markers = has_markers(se);
  auto finite = [&](std::size_t i) { return std::isfinite(se.x[i]) && std::isfinite(se.y[i]); };
  // error bars with caps
  for (std::size_t i = 0; i < se.yerr.size(); ++i) {
    if (!finite(i) || !std::isfinite(se.yerr[i]) || se.yerr[i] == 0) continue;
    double x = frame_x(f, se.x[i]);
    double lo = frame_y(f, se.y[i] - se.yerr[i]), hi = frame_y(f, se.y[i] + se.yerr[i]);
    plot_segment(img, f, x, lo, x, hi, c, 1);
    plot_segment(img, f, x - kCap, lo, x + kCap, lo, c, 1);
    plot_segment(img, f, x - kCap, hi, x + kCap, hi, c, 1);
  }
  // the polyline, broken at non-finite points
  for (std::size_t i = 1; i < se.x.size(); ++i) {
    if (!finite(i - 1) || !finite(i)) continue;
    plot_segment(img, f, frame_x(f, se.x[i - 1]), frame_y(f, se.y[i - 1]), frame_x(f, se.x[i]),
                 frame_y(f, se.y[i]), c, kLineWidth);
  }
  for (std::size_t i = 0; i < se.x.size(); ++i) {
    if (!finite(i)) continue;
    int x = f.px(se.x[i]), y = f.py(se.y[i]);
    if (x < f.left || x > f.right || y < f.top || y > f.bottom) continue;
    if (markers) fill_circle(img, x, y, kMarkerRadius, c);
    // a lone point still shows without markers
    else if (se.x.size() == 1)
      fill_circle(img, x, y, kMarkerRadius, c);
  }
}

// pixels already drawn (not background or grid) inside a rectangle
int ink_in(const Image& img, int x, int y, int w, int h) {
  int n = 0;
  for (int yy = std::max(y, 0); yy < std::min(y + h, img.height); ++yy) {
    for (int xx = std::max(x, 0); xx < std::min(x + w, img.width); ++xx) {
      Rgb p = img.get(xx, yy);
      n += p != kWhite && p != kGrid;
    }
  }
  return n;
}

// the legend in the corner of the plot area that covers the fewest drawn pixels
void draw_legend(Image& img, const PlotFrame& f, const std::vector<Series>& series) {
  int s = f.text_scale, th = text_height(s), cap = 7 * s;
  std::vector<std::size_t> shown;
  int label_w = 0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (series[i].label.empty()) continue;
    shown.push_back(i);
    label_w = std::max(label_w, text_width(series[i].label, s));
  }
  if (shown.empty()) return;
  int pad = 4 + 3 * s, sample_w = 12 * s + 8, row_h = th + 2 * s;
  int w = 2 * pad + sample_w + 3 * s + label_w;
  int h = 2 * pad + static_cast<int>(shown.size()) * row_h - (row_h - cap);
  int inset = 10;
  std::array<std::array<int, 2>, 4> corners{{{f.right - inset - w, f.top + inset},
                                             {f.left + inset, f.top + inset},
                                             {f.right - inset - w, f.bottom - inset - h},
                                             {f.left + inset, f.bottom - inset - h}}};
  auto best = corners[0];
  int best_ink = ink_in(img, best[0], best[1], w, h);
  for (const auto& c : corners) {
    int ink = ink_in(img, c[0], c[1], w, h);
    if (ink < best_ink) best = c, best_ink = ink;
  }
  int x = best[0], y = best[1];
  fill_rect(img, x, y, w, h, kWhite);
  draw_rect(img, x, y, w, h, kLegendBorder);
  for (std::size_t r = 0; r < shown.size(); ++r) {
    const Series& se = series[shown[r]];
    Rgb c = series_color(shown[r]);
    int top = y + pad + static_cast<int>(r) * row_h, mid = top + cap / 2;
    draw_line(img, x + pad, mid, x + pad + sample_w, mid, c, kLineWidth);
    if (has_markers(se)) fill_circle(img, x + pad + sample_w / 2, mid, kMarkerRadius, c);
    draw_text(img, x + pad + sample_w + 3 * s, top, se.label, kText, s);
  }
}

}  // namespace

Image render_plot(const PlotSpec& spec, const std::vector<Series>& series) {
  PlotFrame f = plot_frame(spec, series);
  int s = f.text_scale, th = text_height(s), cap = 7 * s;
  Image img(spec.width, spec.height);

  for (double v : f.x_ticks) fill_rect(img, f.px(v), f.top, 1, f.bottom - f.top, kGrid);
  for (double v : f.y_ticks) fill_rect(img, f.left, f.py(v), f.right - f.left, 1, kGrid);
  for (std::size_t i = 0; i < series.size(); ++i) draw_series(img, f, series[i], series_color(i));

  // clip: paint the margins over anything that spilled out of the plot area
  fill_rect(img, 0, 0, spec.width, f.top, kWhite);
  fill_rect(img, 0, f.bottom + 1, spec.width, spec.height, kWhite);
  fill_rect(img, 0, 0, f.left, spec.height, kWhite);
  fill_rect(img, f.right + 1, 0, spec.width, spec.height, kWhite);
  draw_rect(img, f.left, f.top, f.right - f.left + 1, f.bottom - f.top + 1, kAxis);

  // y ticks: labels right-aligned, vertically centred on the tick
  double y_step = f.y_ticks.size() > 1 ? f.y_ticks[1] - f.y_ticks[0] : 1.0;
  for (double v : f.y_ticks) {
    int y = f.py(v);
    fill_rect(img, f.left - kTick, y, kTick, 1, kAxis);
    std::string label = tick_label(v, y_step);
    draw_text(img, f.left - kTick - 5 - text_width(label, s), y - cap / 2, label, kText, s);
  }
  // x ticks: labels centred under the tick, kept inside the image
  double x_step = f.x_ticks.size() > 1 ? f.x_ticks[1] - f.x_ticks[0] : 1.0;
  bool plain = plain_log_labels(f.x_ticks);
  for (double v : f.x_ticks) {
    int x = f.px(v);
    fill_rect(img, x, f.bottom + 1, 1, kTick, kAxis);
    std::string label = f.log_x ? log_tick_label(v, plain) : tick_label(v, x_step);
    int w = text_width(label, s);
    draw_text(img, std::clamp(x - w / 2, 2, spec.width - w - 2), f.bottom + kTick + 5, label, kText,
              s);
  }
  for (double v : f.x_minor_ticks) fill_rect(img, f.px(v), f.bottom + 1, 1, kMinorTick, kAxis);

  // title (doubled one pixel to the right for weight), x label, y label reading upwards
  if (!spec.title.empty()) {
    int w = text_width(spec.title, s) + 1;
    int x = std::clamp((f.left + f.right - w) / 2, 2, std::max(2, spec.width - w - 2));
    draw_text(img, x, 12, spec.title, kText, s);
    draw_text(img, x + 1, 12, spec.title, kText, s);
  }
  if (!spec.xlabel.empty()) {
    int w = text_width(spec.xlabel, s);
    int x = std::clamp((f.left + f.right - w) / 2, 2, std::max(2, spec.width - w - 2));
    draw_text(img, x, f.bottom + kTick + 5 + th + 8, spec.xlabel, kText, s);
  }
  if (!spec.ylabel.empty()) {
    int h = text_width(spec.ylabel, s);
    int y = std::clamp((f.top + f.bottom - h) / 2, 2, std::max(2, spec.height - h - 2));
    draw_text_up(img, 10, y, spec.ylabel, kText, s);
  }
  draw_legend(img, f, series);
  return img;
}

void write_plot_png(const std::filesystem::path& path, const PlotSpec& spec,
                    const std::vector<Series>& series) {
  write_png(path, render_plot(spec, series));
}

}  // namespace pg
