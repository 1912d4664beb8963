/* mmr-draw.c - cairo helpers for the drawing views (see mmr-draw.h)
 *
 * Interface: styles, text with an optional pill behind it, crosses and
 * arrow heads. Every helper leaves the cairo path empty and the source
 * as it found it undefined: callers set their colour each time.
 */
#include "mmr-draw.h"

#include <math.h>

void
mmr_draw_style_init (MmrDrawStyle *style, gboolean is_dark)
{
  if (is_dark)
    {
      style->fg = (GdkRGBA) { 0.93f, 0.93f, 0.93f, 1.0f };
      style->bg = (GdkRGBA) { 0.14f, 0.14f, 0.15f, 1.0f };
    }
  else
    {
      style->fg = (GdkRGBA) { 0.12f, 0.12f, 0.14f, 1.0f };
      style->bg = (GdkRGBA) { 1.0f, 1.0f, 1.0f, 1.0f };
    }
  style->is_dark = is_dark;
}

void
mmr_draw_style_from_fg (MmrDrawStyle *style, const GdkRGBA *fg)
{
  double luminance = 0.2126 * fg->red + 0.7152 * fg->green
                     + 0.0722 * fg->blue;

  mmr_draw_style_init (style, luminance > 0.5);
  style->fg = *fg;
  style->fg.alpha = 1.0f;
}

void
mmr_draw_set_rgba (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

PangoLayout *
mmr_draw_layout_new (cairo_t *cr, double size_pt, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_size (font, (int) (size_pt * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

double
mmr_draw_text (cairo_t *cr, PangoLayout *layout, const char *text, double x,
               double y, MmrAlign halign, const GdkRGBA *color,
               const GdkRGBA *pill)
{
  int w, h;
  double left;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  left = halign == MMR_ALIGN_START ? x
         : halign == MMR_ALIGN_CENTER ? x - w / 2.0 : x - w;
  if (pill != NULL)
    {
      double px = left - 4, py = y - h / 2.0 - 1, pw = w + 8, ph = h + 2;
      double r = MIN (ph / 2, 6);

      cairo_new_sub_path (cr);
      cairo_arc (cr, px + pw - r, py + r, r, -G_PI / 2, 0);
      cairo_arc (cr, px + pw - r, py + ph - r, r, 0, G_PI / 2);
      cairo_arc (cr, px + r, py + ph - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, px + r, py + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      mmr_draw_set_rgba (cr, pill, 1.0);
      cairo_fill (cr);
    }
  mmr_draw_set_rgba (cr, color, 1.0);
  cairo_move_to (cr, left, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
  return w;
}

void
mmr_draw_cross (cairo_t *cr, double x, double y, double r)
{
  cairo_move_to (cr, x - r, y - r);
  cairo_line_to (cr, x + r, y + r);
  cairo_move_to (cr, x + r, y - r);
  cairo_line_to (cr, x - r, y + r);
}

void
mmr_draw_arrow_head (cairo_t *cr, double x0, double y0, double x1, double y1,
                     double size)
{
  double a = atan2 (y1 - y0, x1 - x0);

  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - size * cos (a - 0.45), y1 - size * sin (a - 0.45));
  cairo_line_to (cr, x1 - size * cos (a + 0.45), y1 - size * sin (a + 0.45));
  cairo_close_path (cr);
}
