/* mmr-diagram-private.h - what the space-time diagram's files share
 *
 * The diagram is drawn by three files: mmr-diagram-geometry.c (where
 * things are: lanes, time, marks, and so hit testing), mmr-diagram-render.c
 * (drawing a frame) and mmr-diagram-text.c (an event in words). Geometry
 * and drawing share the layout constants and the render pass below; only
 * these files include this header.
 */
#pragma once

#include "mmr-diagram-view.h"

/* The plot's margins, in pixels. */
#define TOP 34.0
#define BOTTOM 16.0
#define LEFT 84.0
#define RIGHT 16.0

/* What one render pass shares. */
typedef struct {
  MmrSession *session;
  const MmrDiagramFrame *f;
  cairo_t *cr;
  int width, height;
  guint n;                       /* lanes */
  gint64 t1_us;                  /* time at the right edge */
  double band;                   /* lane height */
  PangoLayout *small;
  PangoLayout *bold;
  double label_end[MMR_MAX_REPLICAS];  /* where the last label ended */
  double below_end[MMR_MAX_REPLICAS];  /* the same, under the lane */
  double top_label_end;
  MmrGranularity granularity;
  GdkRGBA red, amber, green;
} MmrDiagramCtx;

static inline double
lane_of (MmrDiagramCtx *c, int replica)
{
  return mmr_diagram_lane_y ((guint) replica, c->n, c->height);
}

static inline double
tx (MmrDiagramCtx *c, gint64 t)
{
  return mmr_diagram_time_x (c->f, t);
}

static inline const MmrEvent *
event_at (MmrSession *s, guint i)
{
  return &mmr_session_get_event (s, i)->ev;
}

/* Where a DROP's cross is: just after the send when the link refused the
 * message, on the way when a cut caught it in flight. */
void     mmr_diagram_drop_point (MmrDiagramCtx *c, const MmrEvent *drop,
                                 gint64 sent_us, double *x, double *y);
/* The point a click selects event @i by, and how much it is preferred
 * when marks overlap (writes and conflicts over sends); FALSE if it has
 * no mark. */
gboolean mmr_diagram_mark_point (MmrDiagramCtx *c, guint i, double *x,
                                 double *y, double *bonus);
