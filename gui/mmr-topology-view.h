/* mmr-topology-view.h - replicas on a ring, links, messages in flight
 *
 * The render functions draw into any cairo context (a widget, a PNG or SVG
 * export, the benchmark) from a session alone; the widget adds the
 * interactions: click a link to cut or heal it, drag a line across the
 * view to partition the replicas into its two sides, hover a message to
 * read its payload.
 */
#pragma once

#include <gtk/gtk.h>

#include "mmr-draw.h"
#include "mmr-session.h"

G_BEGIN_DECLS

/* What one frame shows besides the session's state. */
typedef struct {
  MmrDrawStyle style;
  gboolean paint_background;
  gint64 time_us;          /* the instant drawn: messages interpolated */
  int hover_a, hover_b;    /* link under the pointer, or -1 */
  gboolean dragging;       /* a partition line being drawn */
  double drag_x0, drag_y0, drag_x1, drag_y1;
} MmrTopologyFrame;

void     mmr_topology_frame_init (MmrTopologyFrame *frame, MmrSession *session,
                                  gboolean is_dark);
void     mmr_topology_render     (MmrSession *session,
                                  const MmrTopologyFrame *frame, cairo_t *cr,
                                  int width, int height);
/* Centre of replica @i's node. */
void     mmr_topology_node_position (guint i, guint n, int width, int height,
                                     double *x, double *y);
/* The link (a < b) nearest to (x, y), if within a few pixels. */
gboolean mmr_topology_link_at    (MmrSession *session, int width, int height,
                                  double x, double y, guint *a, guint *b);
/* Partitions the replicas by the side of the line they are on. FALSE
 * (nothing done) when every replica is on one side. */
gboolean mmr_topology_partition_by_line (MmrSession *session, int width,
                                         int height, double x0, double y0,
                                         double x1, double y1);
/* The decoded payload and version vectors of the message drawn nearest
 * (x, y) at @time_us, or NULL when no message is there. */
char    *mmr_topology_describe_message_at (MmrSession *session, gint64 time_us,
                                           int width, int height, double x,
                                           double y);

#define MMR_TYPE_TOPOLOGY_VIEW (mmr_topology_view_get_type ())
G_DECLARE_FINAL_TYPE (MmrTopologyView, mmr_topology_view, MMR, TOPOLOGY_VIEW,
                      GtkWidget)

GtkWidget *mmr_topology_view_new         (void);
void       mmr_topology_view_set_session (MmrTopologyView *self,
                                          MmrSession *session);
/* What a click at (x, y) does: toggles the link there. TRUE if there was
 * one. */
gboolean   mmr_topology_view_click       (MmrTopologyView *self, double x,
                                          double y);

G_END_DECLS
