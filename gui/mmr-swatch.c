/* mmr-swatch.c - replica colour dots (see mmr-swatch.h) */
#include "mmr-swatch.h"

#include "mmr-palette.h"

static void
swatch_draw (GtkDrawingArea *area, cairo_t *cr, int width, int height,
             gpointer data)
{
  GdkRGBA c;

  (void) area;
  mmr_palette_replica (GPOINTER_TO_UINT (data), &c);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0,
             2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

GtkWidget *
mmr_swatch_new (guint replica, int size)
{
  GtkWidget *swatch = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), size);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), size);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), swatch_draw,
                                  GUINT_TO_POINTER (replica), NULL);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  return swatch;
}

GtkWidget *
mmr_swatch_label_new (guint replica, const char *name)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (name);

  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), mmr_swatch_new (replica, 12));
  gtk_box_append (GTK_BOX (box), label);
  return box;
}
