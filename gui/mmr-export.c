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
 * a GError naming the file and the reason, and no file (the bytes go to
 * OUT.part, renamed when complete). Every export is marked as ours - a
 * tEXt chunk "Software: mmr-inspector" after a PNG's header, a comment
 * on an SVG's second line - so that the command line can tell an export
 * it may replace from someone's picture (store/output-guard.h).
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-export.h"

#include <string.h>
#include <cairo-svg.h>

#include "mmr-topology-view.h"
#include "store/part-file.h"

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

/* ---- how an export of ours is recognised (store/output-guard.h) ---- */

/* A PNG of ours carries "Software: mmr-inspector" in a tEXt chunk right
 * after the header chunk (8 signature bytes + 25 of IHDR). */
#define PNG_TEXT_AT 33
static const char png_text[] = "Software\0mmr-inspector";
#define PNG_TEXT_LEN (sizeof png_text - 1)
/* An SVG of ours has this comment as its second line. */
static const char svg_mark[] = "<!-- mmr-inspector -->\n";

static gboolean
png_is_ours (const guint8 *head, gsize len)
{
  return len >= PNG_TEXT_AT + 8 + PNG_TEXT_LEN
         && memcmp (head + 1, "PNG", 3) == 0
         && memcmp (head + PNG_TEXT_AT + 4, "tEXt", 4) == 0
         && memcmp (head + PNG_TEXT_AT + 8, png_text, PNG_TEXT_LEN) == 0;
}

static gboolean
svg_is_ours (const guint8 *head, gsize len)
{
  const guint8 *nl = memchr (head, '\n', len);
  gsize rest = nl != NULL ? len - (gsize) (nl + 1 - head) : 0;

  return nl != NULL && rest >= strlen (svg_mark)
         && memcmp (nl + 1, svg_mark, strlen (svg_mark)) == 0;
}

static const MmrOutputFormat png_format = {
  "drawing (PNG)", 0, NULL, png_is_ours
};
static const MmrOutputFormat svg_format = {
  "drawing (SVG)", 0, NULL, svg_is_ours
};

const MmrOutputFormat *
mmr_export_output_format (const char *path)
{
  gboolean svg;

  if (!is_svg (path, &svg, NULL))
    return NULL;
  return svg ? &svg_format : &png_format;
}

static guint32
crc32 (const guint8 *p, gsize n)
{
  guint32 c = 0xffffffffu;

  for (gsize i = 0; i < n; i++)
    {
      c ^= p[i];
      for (int k = 0; k < 8; k++)
        c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
  return c ^ 0xffffffffu;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

/* The tEXt chunk: length, type, data, CRC of type and data. */
static void
png_mark (guint8 chunk[12 + PNG_TEXT_LEN])
{
  put_be32 (chunk, PNG_TEXT_LEN);
  memcpy (chunk + 4, "tEXt", 4);
  memcpy (chunk + 8, png_text, PNG_TEXT_LEN);
  put_be32 (chunk + 8 + PNG_TEXT_LEN, crc32 (chunk + 4, 4 + PNG_TEXT_LEN));
}

/* Writes @bytes with our mark inserted: after a PNG's header chunk, or
 * after an SVG's first line. */
static void
write_marked (FILE *out, const GByteArray *bytes, gboolean svg)
{
  guint8 chunk[12 + PNG_TEXT_LEN];
  const guint8 *nl = memchr (bytes->data, '\n', bytes->len);
  gsize at = svg ? (nl != NULL ? (gsize) (nl + 1 - bytes->data) : 0)
                 : MIN (PNG_TEXT_AT, bytes->len);

  fwrite (bytes->data, 1, at, out);
  if (svg)
    fputs (svg_mark, out);
  else
    {
      png_mark (chunk);
      fwrite (chunk, 1, sizeof chunk, out);
    }
  fwrite (bytes->data + at, 1, bytes->len - at, out);
}

static cairo_status_t
append_cb (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Renders into memory, marks the file as ours, then writes it whole
 * through PATH.part (store/part-file.h): a failed export leaves no file. */
static gboolean
render_to_file (MmrSession *session, RenderFunc render, gconstpointer frame,
                const char *path, int width, int height, GError **error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  g_autoptr (MmrPartFile) part = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  gboolean svg;
  cairo_t *cr;

  if (!is_svg (path, &svg, error))
    return FALSE;
  surface = svg ? cairo_svg_surface_create_for_stream (append_cb, bytes,
                                                       width, height)
                : cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width,
                                              height);
  cr = cairo_create (surface);
  render (session, frame, cr, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && !svg)
    status = cairo_surface_write_to_png_stream (surface, append_cb, bytes);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (!check (status, path, error))
    return FALSE;
  part = mmr_part_file_open (path, error);
  if (part == NULL)
    return FALSE;
  write_marked (mmr_part_file_get_stream (part), bytes, svg);
  return mmr_part_file_commit (part, 0, error);
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
