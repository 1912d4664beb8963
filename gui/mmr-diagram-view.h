/* mmr-diagram-view.h - the space-time (Lamport) diagram
 *
 * One horizontal lane per replica, time flowing to the right. The render
 * functions need only a session and a frame (what part of the run to
 * show), so the export and the benchmark draw exactly what the widget
 * draws.
 */
#pragma once

#include <gtk/gtk.h>

#include "mmr-draw.h"
#include "mmr-session.h"

G_BEGIN_DECLS

#define MMR_DIAGRAM_NO_EVENT G_MAXUINT

/* Which part of the run one frame shows. */
typedef struct {
  MmrDrawStyle style;
  gboolean paint_background;
  gint64 t0_us;            /* time at the left edge of the plot */
  double us_per_px;        /* zoom: virtual microseconds per pixel */
  gint64 now_us;           /* the present (a line; later is not drawn) */
  guint selected;          /* event index, or MMR_DIAGRAM_NO_EVENT */
  guint highlighted;       /* event index, or MMR_DIAGRAM_NO_EVENT */
} MmrDiagramFrame;

void   mmr_diagram_frame_init (MmrDiagramFrame *frame, MmrSession *session,
                               gboolean is_dark);
/* Zooms so the whole run so far fills @width. */
void   mmr_diagram_frame_fit  (MmrDiagramFrame *frame, MmrSession *session,
                               int width);
void   mmr_diagram_render     (MmrSession *session,
                               const MmrDiagramFrame *frame, cairo_t *cr,
                               int width, int height);

/* Geometry, shared by the widget, the export and the tests. */
double mmr_diagram_plot_left (void);
double mmr_diagram_plot_right (int width);
/* The centre of lane @lane: a 3-pixel line in the replica's colour is
 * drawn there, on whole pixels. */
double mmr_diagram_lane_y     (guint lane, guint n_lanes, int height);
double mmr_diagram_time_x     (const MmrDiagramFrame *frame, gint64 time_us);
/* The event drawn at (x, y), or MMR_DIAGRAM_NO_EVENT. */
guint  mmr_diagram_hit        (MmrSession *session,
                               const MmrDiagramFrame *frame, int width,
                               int height, double x, double y);
/* Where event @index is drawn; FALSE if it has no mark. */
gboolean mmr_diagram_event_point (MmrSession *session,
                                  const MmrDiagramFrame *frame, int width,
                                  int height, guint index, double *x,
                                  double *y);
/* Several lines for people: the event's HLC, version vector, value,
 * vector clock, and the state of every replica just after it (computed by
 * time travel). */
char  *mmr_diagram_describe_event (MmrSession *session, guint index);

#define MMR_TYPE_DIAGRAM_VIEW (mmr_diagram_view_get_type ())
G_DECLARE_FINAL_TYPE (MmrDiagramView, mmr_diagram_view, MMR, DIAGRAM_VIEW,
                      GtkWidget)

GtkWidget *mmr_diagram_view_new         (void);
void       mmr_diagram_view_set_session (MmrDiagramView *self,
                                         MmrSession *session);
/* Centres the event and marks it (the conflicts panel's selection). */
void       mmr_diagram_view_highlight_event (MmrDiagramView *self,
                                             guint index);
/* Selects the event and opens its details, as a click on it does. */
void       mmr_diagram_view_select_event (MmrDiagramView *self, guint index);
guint      mmr_diagram_view_get_selected (MmrDiagramView *self);
/* Keep the present in view (on while playing, off after the user
 * scrolls away). */
void       mmr_diagram_view_set_follow  (MmrDiagramView *self,
                                         gboolean follow);
void       mmr_diagram_view_zoom_to_fit (MmrDiagramView *self);
/* The frame the widget drew last (for the export from the menu). */
const MmrDiagramFrame *mmr_diagram_view_get_frame (MmrDiagramView *self);

G_END_DECLS
