// Pixels, PNG input and output through libpng's simplified API, the matrix-to-image helpers, and
// text, titles and colour bars drawn with cairo. Not the plots (plot.cpp).
#include "common/image.hpp"

#include <cairo.h>
#include <png.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <stdexcept>

#include "common/errors.hpp"

namespace pg {

Image::Image(int width, int height, Rgb background) : width(width), height(height) {
  require(width >= 0 && height >= 0, "Image",
          "width and height must be >= 0, got " + std::to_string(width) + " x " +
              std::to_string(height));
  rgb.resize(static_cast<std::size_t>(width) * height * 3);
  fill(background);
}

Rgb Image::get(int x, int y) const {
  if (!contains(x, y)) {
    throw std::out_of_range("Image::get: pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                            ") is outside the " + std::to_string(width) + " x " +
                            std::to_string(height) + " image");
  }
  auto i = 3 * (static_cast<std::size_t>(y) * width + x);
  return {rgb[i], rgb[i + 1], rgb[i + 2]};
}

void Image::set(int x, int y, Rgb c) {
  if (!contains(x, y)) return;
  auto i = 3 * (static_cast<std::size_t>(y) * width + x);
  rgb[i] = c.r;
  rgb[i + 1] = c.g;
  rgb[i + 2] = c.b;
}

void Image::fill(Rgb c) {
  for (std::size_t i = 0; i + 2 < rgb.size(); i += 3) {
    rgb[i] = c.r;
    rgb[i + 1] = c.g;
    rgb[i + 2] = c.b;
  }
}

namespace {

std::string quoted(const std::filesystem::path& path) {
  std::string q = "'";
  q += path.string();
  return q += "'";
}

void check_buffer(const char* function, const Image& image) {
  require(image.width > 0 && image.height > 0, function,
          "the image is empty (" + std::to_string(image.width) + " x " +
              std::to_string(image.height) + ")");
  require(image.rgb.size() == static_cast<std::size_t>(image.width) * image.height * 3, function,
          "rgb holds " + std::to_string(image.rgb.size()) + " bytes but a " +
              std::to_string(image.width) + " x " + std::to_string(image.height) +
              " image needs width * height * 3");
}

}  // namespace

void write_png(const std::filesystem::path& path, const Image& image) {
  check_buffer("write_png", image);
  auto fail = [&](const std::string& reason) {
    throw std::runtime_error("write_png: cannot write " + quoted(path) + ": " + reason);
  };
  // name the missing directory rather than fopen's bare "No such file or directory"
  auto parent = path.parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    fail("the directory " + quoted(parent) + " does not exist (create it first)");
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) fail(std::strerror(errno));

  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGB;
  int ok = png_image_write_to_stdio(&png, file, 0, image.rgb.data(), 0, nullptr);
  std::string reason = ok ? "" : png.message;
  png_image_free(&png);
  if (std::fclose(file) != 0 && ok) {
    ok = 0;
    reason = std::strerror(errno);
  }
  if (!ok) fail(reason);
}

Image read_png(const std::filesystem::path& path) {
  auto fail = [&](const std::string& reason) {
    throw std::runtime_error("read_png: cannot read " + quoted(path) + ": " + reason);
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail("no such file");

  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) {
    std::string reason = png.message;
    png_image_free(&png);
    fail(reason);
  }
  png.format = PNG_FORMAT_RGB;
  Image image(static_cast<int>(png.width), static_cast<int>(png.height));
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&png, &white, image.rgb.data(), 0, nullptr)) {
    std::string reason = png.message;
    png_image_free(&png);
    fail(reason);
  }
  return image;
}

void fill_rect(Image& image, int x, int y, int w, int h, Rgb c) {
  int x0 = std::max(x, 0), x1 = std::min(x + w, image.width);
  int y0 = std::max(y, 0), y1 = std::min(y + h, image.height);
  for (int yy = y0; yy < y1; ++yy) {
    for (int xx = x0; xx < x1; ++xx) image.set(xx, yy, c);
  }
}

void draw_rect(Image& image, int x, int y, int w, int h, Rgb c) {
  if (w <= 0 || h <= 0) return;
  fill_rect(image, x, y, w, 1, c);
  fill_rect(image, x, y + h - 1, w, 1, c);
  fill_rect(image, x, y, 1, h, c);
  fill_rect(image, x + w - 1, y, 1, h, c);
}

void draw_line(Image& image, int x0, int y0, int x1, int y1, Rgb c, int thickness) {
  // bresenham; a thick line stamps a thickness x thickness square at each step
  int off = (thickness - 1) / 2;
  int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
  int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  for (;;) {
    if (thickness <= 1) {
      image.set(x0, y0, c);
    } else {
      fill_rect(image, x0 - off, y0 - off, thickness, thickness, c);
    }
    if (x0 == x1 && y0 == y1) break;
    int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

void fill_circle(Image& image, int cx, int cy, int r, Rgb c) {
  for (int dy = -r; dy <= r; ++dy) {
    for (int dx = -r; dx <= r; ++dx) {
      if (dx * dx + dy * dy <= r * r + r) image.set(cx + dx, cy + dy, c);
    }
  }
}

void blit(Image& dst, const Image& src, int x, int y) {
  for (int yy = 0; yy < src.height; ++yy) {
    for (int xx = 0; xx < src.width; ++xx) dst.set(x + xx, y + yy, src.get(xx, yy));
  }
}

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void check_range(const char* function, double lo, double hi, int scale) {
  require(lo < hi, function, "lo must be < hi, got lo = " + num(lo) + ", hi = " + num(hi));
  require(scale >= 1, function, "scale must be >= 1, got " + std::to_string(scale));
}

// t = (v - lo) / (hi - lo) clamped to [0, 1]; NaN -> 0
double unit(double v, double lo, double hi) {
  double t = (v - lo) / (hi - lo);
  return std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
}

std::uint8_t to_byte(double x) { return static_cast<std::uint8_t>(std::lround(x)); }

// each entry of `values` becomes a scale x scale block of colour_of(entry)
template <class ColourOf>
Image blocks(const Mat& values, int scale, ColourOf colour_of) {
  Image image(static_cast<int>(values.cols()) * scale, static_cast<int>(values.rows()) * scale);
  for (int r = 0; r < values.rows(); ++r) {
    for (int c = 0; c < values.cols(); ++c) {
      fill_rect(image, c * scale, r * scale, scale, scale, colour_of(values(r, c)));
    }
  }
  return image;
}

// matplotlib's maps sampled at t = 0, 0.1, ..., 1
constexpr std::array<Rgb, 11> kInferno{{{0, 0, 4},
                                        {22, 11, 57},
                                        {66, 10, 104},
                                        {106, 23, 110},
                                        {147, 38, 103},
                                        {188, 55, 84},
                                        {221, 81, 58},
                                        {243, 120, 25},
                                        {252, 165, 10},
                                        {246, 215, 70},
                                        {252, 255, 164}}};
constexpr std::array<Rgb, 11> kViridis{{{68, 1, 84},
                                        {72, 36, 117},
                                        {65, 68, 135},
                                        {53, 95, 141},
                                        {42, 120, 142},
                                        {33, 145, 140},
                                        {34, 168, 132},
                                        {68, 191, 112},
                                        {122, 209, 81},
                                        {189, 223, 38},
                                        {253, 231, 37}}};

}  // namespace

Image from_grayscale(const Mat& values, double lo, double hi, int scale) {
  check_range("from_grayscale", lo, hi, scale);
  return blocks(values, scale, [&](double v) {
    auto level = to_byte(255.0 * unit(v, lo, hi));
    return Rgb{level, level, level};
  });
}

Rgb colormap(double t, Colormap map) {
  if (map == Colormap::gray) {
    auto level = to_byte(255.0 * (std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0)));
    return {level, level, level};
  }
  const auto& samples = map == Colormap::viridis ? kViridis : kInferno;
  t = std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
  // linear between the two samples around t
  double pos = t * (samples.size() - 1);
  auto i = std::min(static_cast<std::size_t>(pos), samples.size() - 2);
  double f = pos - static_cast<double>(i);
  auto mix = [f](std::uint8_t a, std::uint8_t b) { return to_byte(a + f * (b - a)); };
  const Rgb &a = samples[i], &b = samples[i + 1];
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

Image from_heatmap(const Mat& values, double lo, double hi, int scale, Colormap map) {
  check_range("from_heatmap", lo, hi, scale);
  return blocks(values, scale, [&](double v) { return colormap(unit(v, lo, hi), map); });
}

Image overlay_heatmap(const Image& base, const Mat& heat, double alpha, Colormap map) {
  const char* fn = "overlay_heatmap";
  require(heat.size() > 0, fn, "heat is empty " + shape_of(heat));
  require(alpha >= 0.0 && alpha <= 1.0, fn, "alpha must be in [0, 1], got " + num(alpha));
  int s = base.width / static_cast<int>(heat.cols());
  require(s >= 1 && base.width == s * heat.cols() && base.height == s * heat.rows(), fn,
          "base is " + std::to_string(base.width) + " x " + std::to_string(base.height) +
              " pixels, not an integer upscale of heat " + shape_of(heat));
  Image out = base;
  for (int y = 0; y < base.height; ++y) {
    for (int x = 0; x < base.width; ++x) {
      Rgb a = base.get(x, y), h = colormap(unit(heat(y / s, x / s), 0.0, 1.0), map);
      auto mix = [alpha](std::uint8_t p, std::uint8_t q) {
        return to_byte((1 - alpha) * p + alpha * q);
      };
      out.set(x, y, {mix(a.r, h.r), mix(a.g, h.g), mix(a.b, h.b)});
    }
  }
  return out;
}

namespace {

// cairo's toy text API over fontconfig: "sans-serif" is DejaVu Sans on Debian
void set_font(cairo_t* cr, double size, bool bold) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

// f(cr) on a scratch 1 x 1 surface, for measuring text
template <class F>
auto measure(F f) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t* cr = cairo_create(surface);
  auto result = f(cr);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return result;
}

double ascent_of(double size, bool bold) {
  return measure([&](cairo_t* cr) {
    set_font(cr, size, bold);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    return fe.ascent;
  });
}

// draw(cr) onto the image's pixels inside the rectangle (x, y, w, h), in image coordinates:
// the rectangle is copied to a cairo surface, drawn on and copied back
template <class Draw>
void paint(Image& image, int x, int y, int w, int h, Draw draw) {
  int x0 = std::max(x, 0), y0 = std::max(y, 0);
  int x1 = std::min(x + w, image.width), y1 = std::min(y + h, image.height);
  if (x0 >= x1 || y0 >= y1) return;
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, x1 - x0, y1 - y0);
  cairo_surface_flush(surface);
  unsigned char* data = cairo_image_surface_get_data(surface);
  int stride = cairo_image_surface_get_stride(surface);
  for (int yy = y0; yy < y1; ++yy) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + (yy - y0) * stride);
    for (int xx = x0; xx < x1; ++xx) {
      Rgb c = image.get(xx, yy);
      row[xx - x0] = std::uint32_t{c.r} << 16 | std::uint32_t{c.g} << 8 | c.b;
    }
  }
  cairo_surface_mark_dirty(surface);
  cairo_t* cr = cairo_create(surface);
  cairo_translate(cr, -x0, -y0);
  draw(cr);
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  for (int yy = y0; yy < y1; ++yy) {
    auto* row = reinterpret_cast<const std::uint32_t*>(data + (yy - y0) * stride);
    for (int xx = x0; xx < x1; ++xx) {
      std::uint32_t p = row[xx - x0];
      image.set(xx, yy,
                {static_cast<std::uint8_t>(p >> 16), static_cast<std::uint8_t>(p >> 8),
                 static_cast<std::uint8_t>(p)});
    }
  }
  cairo_surface_destroy(surface);
}

void set_source(cairo_t* cr, Rgb c) {
  cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

std::string tick_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", std::abs(v) < 1e-12 ? 0.0 : v);
  return buf;
}

}  // namespace

int text_width(std::string_view text, double size, bool bold) {
  if (text.empty()) return 0;
  std::string s(text);
  return measure([&](cairo_t* cr) {
    set_font(cr, size, bold);
    cairo_text_extents_t te;
    cairo_text_extents(cr, s.c_str(), &te);
    return static_cast<int>(std::ceil(te.x_advance - 1e-9));
  });
}

int text_height(double size) {
  return measure([&](cairo_t* cr) {
    set_font(cr, size, false);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    return static_cast<int>(std::ceil(fe.ascent + fe.descent - 1e-9));
  });
}

void draw_text(Image& image, int x, int y, std::string_view text, Rgb color, double size,
               bool bold) {
  if (text.empty()) return;
  std::string s(text);
  int w = text_width(text, size, bold), h = text_height(size);
  double ascent = ascent_of(size, bold);
  paint(image, x - 4, y - 4, w + 8, h + 8, [&](cairo_t* cr) {
    set_font(cr, size, bold);
    set_source(cr, color);
    cairo_move_to(cr, x, y + ascent);
    cairo_show_text(cr, s.c_str());
  });
}

void draw_text_up(Image& image, int x, int y, std::string_view text, Rgb color, double size,
                  bool bold) {
  if (text.empty()) return;
  std::string s(text);
  int w = text_width(text, size, bold), h = text_height(size);
  double ascent = ascent_of(size, bold);
  paint(image, x - 4, y - 4, h + 8, w + 8, [&](cairo_t* cr) {
    set_font(cr, size, bold);
    set_source(cr, color);
    cairo_translate(cr, x + ascent, y + w);
    cairo_rotate(cr, -std::numbers::pi / 2);
    cairo_move_to(cr, 0, 0);
    cairo_show_text(cr, s.c_str());
  });
}

Image tile(const std::vector<Image>& images, int columns, int padding,
           const std::vector<std::string>& captions, double caption_size) {
  const char* fn = "tile";
  require(!images.empty(), fn, "images is empty");
  require(columns >= 1, fn, "columns must be >= 1, got " + std::to_string(columns));
  require(padding >= 0, fn, "padding must be >= 0, got " + std::to_string(padding));
  require(caption_size > 0, fn, "caption_size must be > 0, got " + num(caption_size));
  require(captions.empty() || captions.size() == images.size(), fn,
          "captions has " + std::to_string(captions.size()) + " entries but images has " +
              std::to_string(images.size()) + " (give one caption per image, or none)");

  int n = static_cast<int>(images.size());
  int image_w = 0, image_h = 0, caption_w = 0;
  for (const auto& im : images) {
    image_w = std::max(image_w, im.width);
    image_h = std::max(image_h, im.height);
  }
  for (const auto& c : captions) caption_w = std::max(caption_w, text_width(c, caption_size));
  bool any_caption =
      std::any_of(captions.begin(), captions.end(), [](auto& c) { return !c.empty(); });
  int caption_h = any_caption ? 2 + text_height(caption_size) : 0;
  int cell_w = std::max(image_w, caption_w), cell_h = image_h + caption_h;
  int cols = std::min(columns, n), rows = (n + columns - 1) / columns;

  Image out(cols * cell_w + (cols + 1) * padding, rows * cell_h + (rows + 1) * padding);
  for (int i = 0; i < n; ++i) {
    int x = padding + (i % columns) * (cell_w + padding);
    int y = padding + (i / columns) * (cell_h + padding);
    const Image& im = images[i];
    blit(out, im, x + (cell_w - im.width) / 2, y + (image_h - im.height) / 2);
    if (!captions.empty()) {
      int tx = x + (cell_w - text_width(captions[i], caption_size)) / 2;
      draw_text(out, tx, y + image_h + 2, captions[i], kBlack, caption_size);
    }
  }
  return out;
}

int title_band_height(double size, bool has_subtitle) {
  return 8 + text_height(size) + (has_subtitle ? 2 + text_height(0.7 * size) : 0) + 8;
}

Image add_title(const Image& body, const std::string& title, const std::string& subtitle,
                double size) {
  const char* fn = "add_title";
  check_buffer(fn, body);
  require(!title.empty(), fn, "the title is empty");
  require(size > 0, fn, "size must be > 0, got " + num(size));
  double sub_size = 0.7 * size;
  int title_w = text_width(title, size, true), sub_w = text_width(subtitle, sub_size);
  int band = title_band_height(size, !subtitle.empty());
  int width = std::max({body.width, title_w + 16, sub_w + 16});
  Image out(width, band + body.height);
  blit(out, body, (width - body.width) / 2, band);
  draw_text(out, (width - title_w) / 2, 8, title, kBlack, size, true);
  if (!subtitle.empty()) {
    draw_text(out, (width - sub_w) / 2, 8 + text_height(size) + 2, subtitle, Rgb{70, 70, 70},
              sub_size);
  }
  return out;
}

Image add_colorbar(const Image& body, const ColorBar& bar) {
  const char* fn = "add_colorbar";
  check_buffer(fn, body);
  require(body.height >= 48, fn,
          "the image must be at least 48 pixels tall, got " + std::to_string(body.height));
  require(bar.lo < bar.hi, fn,
          "lo must be < hi, got lo = " + num(bar.lo) + ", hi = " + num(bar.hi));
  constexpr double kFont = 12;
  constexpr int kTick = 4;
  std::vector<double> ticks = bar.ticks;
  if (ticks.empty()) {
    double mid = bar.lo < 0 && bar.hi > 0 ? 0.0 : 0.5 * (bar.lo + bar.hi);
    ticks = {bar.lo, mid, bar.hi};
  }
  int labels_w = 0;
  for (double v : ticks) labels_w = std::max(labels_w, text_width(tick_text(v), kFont));
  int th = text_height(kFont);
  int x_bar = body.width + kColorBarGap, top = kColorBarInset;
  int bottom = body.height - 1 - kColorBarInset;
  int x_labels = x_bar + kColorBarWidth + kTick + 3;
  int width = x_labels + labels_w + (bar.label.empty() ? 0 : 8 + th) + 8;
  Image out(width, body.height);
  blit(out, body, 0, 0);
  for (int y = top; y <= bottom; ++y) {
    double t = static_cast<double>(bottom - y) / (bottom - top);
    fill_rect(out, x_bar, y, kColorBarWidth, 1, colormap(t, bar.map));
  }
  const Rgb frame{60, 60, 60};
  draw_rect(out, x_bar - 1, top - 1, kColorBarWidth + 2, bottom - top + 3, frame);
  for (double v : ticks) {
    if (!(v >= bar.lo && v <= bar.hi)) continue;
    int y =
        static_cast<int>(std::lround(bottom - (v - bar.lo) / (bar.hi - bar.lo) * (bottom - top)));
    fill_rect(out, x_bar + kColorBarWidth + 1, y, kTick, 1, frame);
    int ty = std::clamp(y - th / 2, 0, body.height - th);
    draw_text(out, x_labels, ty, tick_text(v), Rgb{30, 30, 30}, kFont);
  }
  if (!bar.label.empty()) {
    int lw = text_width(bar.label, kFont);
    draw_text_up(out, x_labels + labels_w + 8, std::max(0, (body.height - lw) / 2), bar.label,
                 Rgb{30, 30, 30}, kFont);
  }
  return out;
}

}  // namespace pg
