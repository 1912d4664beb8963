/* mmr-draw.h - small cairo helpers shared by the two drawing views
 *
 * The topology view and the space-time diagram render with plain cairo
 * and pango, into a widget's snapshot, a PNG or SVG file, or the
 * benchmark's offscreen surface alike; none of this needs a display.
 */
#pragma once

#include <gdk/gdk.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

/* Colours and fonts of one frame: taken from the widget's style, or the
 * light defaults for a headless export. */
typedef struct {
  gboolean is_dark;
  GdkRGBA fg;              /* text and outlines */
  GdkRGBA bg;              /* the canvas */
} MmrDrawStyle;

void mmr_draw_style_init (MmrDrawStyle *style, gboolean is_dark);
/* From a foreground colour: dark when the text is light. */
void mmr_draw_style_from_fg (MmrDrawStyle *style, const GdkRGBA *fg);

void mmr_draw_set_rgba (cairo_t *cr, const GdkRGBA *c, double alpha);

typedef enum {
  MMR_ALIGN_START,
  MMR_ALIGN_CENTER,
  MMR_ALIGN_END,
} MmrAlign;

/* Draws @text with its anchor at (x, y): horizontally by @halign, and
 * vertically centred. A non-NULL @pill draws a rounded background first
 * (for labels over lines). Returns the text's width in pixels. */
double mmr_draw_text (cairo_t *cr, PangoLayout *layout, const char *text,
                      double x, double y, MmrAlign halign,
                      const GdkRGBA *color, const GdkRGBA *pill);
/* A layout with the views' font at @size_pt, @bold or not. */
PangoLayout *mmr_draw_layout_new (cairo_t *cr, double size_pt, gboolean bold);

void mmr_draw_cross (cairo_t *cr, double x, double y, double r);
void mmr_draw_arrow_head (cairo_t *cr, double x0, double y0, double x1,
                          double y1, double size);

G_END_DECLS
