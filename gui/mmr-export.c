/* mmr-export.c - PNG and SVG exports of the two drawing views
 *
 * Concept: the drawings are plain cairo (mmr-diagram-render.c,
 * mmr-topology-view.c), so exporting is choosing a surface: an image
 * surface written as PNG, or an SVG surface. This works without a display,
 * which is what lets a lab or a CI job render a run headless.
 *
 * Interface: mmr_export_diagram, mmr_export_topology,
 * mmr_export_diagram_size.
 *
 * Invariants: an export never changes the session; a failed export leaves
 * a GError naming the file and the reason.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-export.h"

#include <cairo-svg.h>

#include "mmr-topology-view.h"

G_DEFINE_QUARK (mmr-export-error-quark, mmr_export_error)

typedef void (*RenderFunc) (MmrSession *session, gconstpointer frame,
                            cairo_t *cr, int width, int height);

static gboolean
is_svg (const char *path, gboolean *out, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".svg"))
    *out = TRUE;
  else if (g_str_has_suffix (lower, ".png"))
    *out = FALSE;
  else
    {
      g_set_error (error, MMR_EXPORT_ERROR, MMR_EXPORT_ERROR_FORMAT,
                   "%s: the file name must end in .png or .svg", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check (cairo_status_t status, const char *path, GError **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, MMR_EXPORT_ERROR, MMR_EXPORT_ERROR_WRITE,
               "%s: cannot write: %s", path, cairo_status_to_string (status));
  return FALSE;
}

static gboolean
render_to_file (MmrSession *session, RenderFunc render, gconstpointer frame,
                const char *path, int width, int height, GError **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  gboolean svg;
  cairo_t *cr;

  if (!is_svg (path, &svg, error))
    return FALSE;
  surface = svg ? cairo_svg_surface_create (path, width, height)
                : cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width,
                                              height);
  cr = cairo_create (surface);
  render (session, frame, cr, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && !svg)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return check (status, path, error);
}

static void
render_diagram (MmrSession *session, gconstpointer frame, cairo_t *cr,
                int width, int height)
{
  mmr_diagram_render (session, frame, cr, width, height);
}

static void
render_topology (MmrSession *session, gconstpointer frame, cairo_t *cr,
                 int width, int height)
{
  mmr_topology_render (session, frame, cr, width, height);
}

void
mmr_export_diagram_size (MmrSession *session, int *width, int *height)
{
  MmrWorld *world = mmr_session_get_world (session);
  guint n = world != NULL ? mmr_world_n_replicas (world) : 2;

  *width = 1600;
  *height = 60 + 90 * (int) n;
}

gboolean
mmr_export_diagram (MmrSession *session, const MmrDiagramFrame *frame,
                    const char *path, int width, int height, GError **error)
{
  MmrDiagramFrame fit;

  g_return_val_if_fail (MMR_IS_SESSION (session), FALSE);
  g_return_val_if_fail (path != NULL && width > 0 && height > 0, FALSE);
  if (frame == NULL)
    {
      mmr_diagram_frame_init (&fit, session, FALSE);
      mmr_diagram_frame_fit (&fit, session, width);
      frame = &fit;
    }
  else
    {
      fit = *frame;
      fit.paint_background = TRUE;
      frame = &fit;
    }
  return render_to_file (session, render_diagram, frame,
                         path, width, height, error);
}

gboolean
mmr_export_topology (MmrSession *session, gboolean is_dark, gint64 time_us,
                     const char *path, int width, int height, GError **error)
{
  MmrTopologyFrame frame;

  g_return_val_if_fail (MMR_IS_SESSION (session), FALSE);
  g_return_val_if_fail (path != NULL && width > 0 && height > 0, FALSE);
  mmr_topology_frame_init (&frame, session, is_dark);
  if (time_us >= 0)
    frame.time_us = time_us;
  return render_to_file (session, render_topology, &frame,
                         path, width, height, error);
}
