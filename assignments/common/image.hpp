// RGB images for the demos: pixels, PNG files (libpng), matrices drawn as gray or heat maps, grids
// with captions, titles and colour bars, text (cairo, in the system's sans-serif font).
// Not a plotting library (plot.hpp draws line plots) and not part of what a submission links.
//
// Shapes:  H = image height in pixels (rows),  W = image width in pixels (columns),
//          s = integer upscale factor: one matrix entry becomes an s x s block of pixels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/types.hpp"

namespace pg {

// One 8-bit sRGB colour.
struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};

// An 8-bit RGB image. Pixel (x, y) is column x, row y, with (0, 0) the top-left corner.
struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // (H * W * 3) row-major, r g b per pixel: index 3 * (y * W + x)

  Image() = default;
  // A width x height image filled with `background`.
  // Requires: width >= 0, height >= 0, else std::invalid_argument.
  Image(int width, int height, Rgb background = kWhite);

  bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
  // The pixel at (x, y); std::out_of_range outside the image.
  Rgb get(int x, int y) const;
  // Sets the pixel at (x, y); does nothing outside the image, so shapes may be drawn half-off.
  void set(int x, int y, Rgb c);
  void fill(Rgb c);
};

// Writes `image` as an 8-bit RGB PNG, replacing any file at `path`.
// Throws std::runtime_error naming the path and the reason (directory missing, not writable, ...).
void write_png(const std::filesystem::path& path, const Image& image);

// Reads a PNG of any colour type as 8-bit RGB (alpha is composited onto white).
// Throws std::runtime_error naming the path and the reason.
Image read_png(const std::filesystem::path& path);

// Drawing helpers; everything outside the image is clipped.
// The w x h rectangle with top-left corner (x, y), filled.
void fill_rect(Image& image, int x, int y, int w, int h, Rgb c);
// The outline (1 pixel wide) of the same rectangle.
void draw_rect(Image& image, int x, int y, int w, int h, Rgb c);
// A straight line from (x0, y0) to (x1, y1), both ends included (Bresenham), `thickness` pixels
// wide.
void draw_line(Image& image, int x0, int y0, int x1, int y1, Rgb c, int thickness = 1);
// A filled disc of radius r centred on (cx, cy).
void fill_circle(Image& image, int cx, int cy, int r, Rgb c);
// Copies `src` into `dst` with its top-left corner at (x, y).
void blit(Image& dst, const Image& src, int x, int y);

// A matrix as a gray image: lo and below -> black (0), hi and above -> white (255), linear between,
// rounded to the nearest level; NaN -> black. Each entry becomes an s x s block.
// Inputs:  values (H, W), e.g. one 28x28 Fashion-MNIST image reshaped; lo < hi; scale s >= 1.
// Returns: an image of (W * s) x (H * s) pixels.
// Requires: lo < hi, scale >= 1, else std::invalid_argument.
Image from_grayscale(const Mat& values, double lo, double hi, int scale = 1);

// Perceptual colour maps (matplotlib's), dark at 0 and bright at 1; gray is from_grayscale's.
enum class Colormap { inferno, viridis, gray };

// The colour of t in [0, 1] (clamped; NaN -> 0) under `map`, interpolated between 11 samples
// (gray: level round(255 t)).
Rgb colormap(double t, Colormap map = Colormap::inferno);

// A matrix as a heat map, e.g. a saliency map in [0, 1]: t = (v - lo) / (hi - lo) through `map`.
// Inputs/Returns/Requires as from_grayscale.
Image from_heatmap(const Mat& values, double lo = 0.0, double hi = 1.0, int scale = 1,
                   Colormap map = Colormap::inferno);

// A heat map laid over an image: out = (1 - alpha) * base + alpha * colormap(heat), per channel.
// Inputs:  base (H*s x W*s pixels), e.g. from_grayscale(image, 0, 1, s); heat (H, W) in [0, 1]
//          (clamped), upscaled by s = base.width / W; alpha in [0, 1].
// Requires: base.width == W * s and base.height == H * s for one integer s >= 1, alpha in [0, 1];
//           else std::invalid_argument.
Image overlay_heatmap(const Image& base, const Mat& heat, double alpha,
                      Colormap map = Colormap::inferno);

// Text, drawn with cairo in the system's sans-serif font (DejaVu Sans on Debian, package
// fonts-dejavu-core), antialiased. `size` is the font size in pixels (the em square).
// Width in pixels of `text` (its advance, rounded up); 0 if empty.
int text_width(std::string_view text, double size = 12, bool bold = false);
// Height in pixels of one line: the font's ascent + descent, rounded up (about 1.2 * size).
int text_height(double size = 12);
// Draws `text` (UTF-8) with the top-left corner of its text_width x text_height box at (x, y),
// its baseline at y + ascent. Clipped to the image.
void draw_text(Image& image, int x, int y, std::string_view text, Rgb color = kBlack,
               double size = 12, bool bold = false);
// Draws `text` turned a quarter counter-clockwise (reading upwards), e.g. a vertical label. Its
// box is text_height wide and text_width tall, with the top-left corner at (x, y).
void draw_text_up(Image& image, int x, int y, std::string_view text, Rgb color = kBlack,
                  double size = 12, bool bold = false);

// Lays images out in a grid, row by row, `columns` per row, with `padding` pixels around and
// between cells, on a white background. Every cell is cell_w x cell_h where
//   cell_w = max(widest image, widest caption),  cell_h = tallest image + caption_h,
//   caption_h = (any caption non-empty) ? 2 + text_height(caption_size) : 0,
// so the result is (columns * cell_w + (columns + 1) * padding) wide and
// (rows * cell_h + (rows + 1) * padding) tall, rows = ceil(n / columns); when n < columns only
// n columns are used. Images are centred in their cell; a caption is centred under its image.
// Inputs:  images (n >= 1), columns >= 1, padding >= 0, captions: empty or one per image,
//          caption_size > 0 (font size in pixels).
// Requires: as listed, else std::invalid_argument.
Image tile(const std::vector<Image>& images, int columns, int padding,
           const std::vector<std::string>& captions = {}, double caption_size = 12);

// `body` under a title (bold, `size` pixels) and an optional subtitle (0.7 * size), both centred
// on a white band of title_band_height(size, has subtitle) rows. The result is as wide as the
// wider of the body and the text plus 16 pixels; the body is centred under the band.
// Requires: a non-empty body and a non-empty title, size > 0, else std::invalid_argument.
Image add_title(const Image& body, const std::string& title, const std::string& subtitle = "",
                double size = 18);
// The height of add_title's band: 8 + title line (+ 2 + subtitle line) + 8.
int title_band_height(double size, bool has_subtitle);

// A colour bar: the scale of a colour-mapped image, from lo (bottom) to hi (top).
struct ColorBar {
  double lo = 0, hi = 1;
  Colormap map = Colormap::gray;
  std::string label{};          // written along the bar, reading upwards; empty = none
  std::vector<double> ticks{};  // labelled values in [lo, hi]; empty = lo, hi and 0 or the middle
};

// `body` with a vertical colour bar on its right. The bar is kColorBarWidth pixels wide, starting
// kColorBarGap columns right of the body; it spans rows kColorBarInset .. body.height - 1 -
// kColorBarInset, hi at the top row, lo at the bottom row, colormap(t) linear between. Tick
// marks and values (font 12) are to its right, then the label. The result is as tall as the body.
// Requires: a body at least 48 pixels tall, lo < hi, else std::invalid_argument.
inline constexpr int kColorBarGap = 14, kColorBarWidth = 16, kColorBarInset = 10;
Image add_colorbar(const Image& body, const ColorBar& bar);

}  // namespace pg
