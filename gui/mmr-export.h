/* mmr-export.h - the diagram and the topology as PNG or SVG files
 *
 * Renders with cairo image and SVG surfaces: no display, no widget. Used
 * by the window's menu and by `mmr-inspector --export-diagram OUT FILE`.
 */
#pragma once

#include <glib.h>

#include "mmr-diagram-view.h"
#include "mmr-session.h"
#include "store/output-guard.h"

G_BEGIN_DECLS

#define MMR_EXPORT_ERROR (mmr_export_error_quark ())
GQuark mmr_export_error_quark (void);

typedef enum {
  MMR_EXPORT_ERROR_FORMAT,   /* the file name is neither .png nor .svg */
  MMR_EXPORT_ERROR_WRITE,    /* cairo could not write the file */
} MmrExportError;

/* How an export of ours at @path (.png or .svg) is recognised, for
 * store/output-guard.h; NULL for another extension. */
const MmrOutputFormat *mmr_export_output_format (const char *path);

/* Size of a diagram export: wide enough to read, one band per lane. */
void     mmr_export_diagram_size (MmrSession *session, int *width,
                                  int *height);
/* @frame NULL: the whole run so far, light style. The frame's style and
 * background are used as given otherwise. The format follows @path's
 * extension (.png or .svg, any case). */
gboolean mmr_export_diagram  (MmrSession *session,
                              const MmrDiagramFrame *frame, const char *path,
                              int width, int height, GError **error);
/* @time_us -1: the session's display time. */
gboolean mmr_export_topology (MmrSession *session, gboolean is_dark,
                              gint64 time_us, const char *path, int width,
                              int height, GError **error);

G_END_DECLS
