/* mmr-diagram-geometry.c - where the space-time diagram puts things
 *
 * Concept: one lane per replica, evenly spaced between the top and bottom
 * margins; time maps linearly to x from the frame's left edge at its zoom
 * (microseconds per pixel). Every mark's position follows from these two
 * maps, so drawing (mmr-diagram-render.c), hit testing and the tests all
 * agree on where an event is.
 *
 * Interface (mmr-diagram-view.h): plot_left, plot_right, lane_y, time_x,
 * frame_init, frame_fit, hit, event_point; for the renderer
 * (mmr-diagram-private.h) drop_point and mark_point.
 *
 * Invariants: lanes sit on half pixels (a crisp 3-pixel line); hitting
 * scans only the events within a few pixels of the click (binary search
 * on time, widened by the longest latency for drops) and gives up when
 * zoomed out past 20,000 of them.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-diagram-private.h"

#include <math.h>

/* ---- geometry ---- */

double mmr_diagram_plot_left (void) { return LEFT; }
double mmr_diagram_plot_right (int width) { return MAX (width - RIGHT, LEFT + 1); }

double
mmr_diagram_lane_y (guint lane, guint n_lanes, int height)
{
  double band = (height - TOP - BOTTOM) / MAX (n_lanes, 1);

  return floor (TOP + band * (lane + 0.5)) + 0.5;
}

double
mmr_diagram_time_x (const MmrDiagramFrame *f, gint64 time_us)
{
  return LEFT + (double) (time_us - f->t0_us) / f->us_per_px;
}

void
mmr_diagram_frame_init (MmrDiagramFrame *f, MmrSession *session,
                        gboolean is_dark)
{
  *f = (MmrDiagramFrame) { .paint_background = TRUE, .us_per_px = 200.0,
                           .selected = MMR_DIAGRAM_NO_EVENT,
                           .highlighted = MMR_DIAGRAM_NO_EVENT };
  mmr_draw_style_init (&f->style, is_dark);
  f->now_us = session != NULL ? mmr_session_get_display_time (session) : 0;
}

void
mmr_diagram_frame_fit (MmrDiagramFrame *f, MmrSession *session, int width)
{
  gint64 end = MAX (mmr_session_get_display_time (session), 1000);
  double plot = mmr_diagram_plot_right (width) - LEFT;

  f->now_us = mmr_session_get_display_time (session);
  f->t0_us = 0;
  f->us_per_px = end * 1.03 / MAX (plot, 1.0);
}

void
mmr_diagram_drop_point (MmrDiagramCtx *c, const MmrEvent *drop,
                        gint64 sent_us, double *x, double *y)
{
  double ys = lane_of (c, drop->replica), yr = lane_of (c, drop->peer);

  if (drop->time_us == sent_us)
    {
      *x = tx (c, sent_us) + 16;
      *y = ys + 0.35 * (yr - ys);
    }
  else
    {
      *x = tx (c, drop->time_us);
      *y = ys + 0.6 * (yr - ys);
    }
}

/* ---- marks ---- */

gboolean
mmr_diagram_mark_point (MmrDiagramCtx *c, guint i, double *x, double *y,
                        double *bonus)
{
  const MmrEvent *ev = event_at (c->session, i);

  *bonus = 0;
  if (ev->kind == MMR_EV_DROP)
    {
      guint send = mmr_session_get_partner (c->session, i);

      if (send == MMR_DIAGRAM_NO_EVENT || ev->replica < 0 || ev->peer < 0)
        return FALSE;
      mmr_diagram_drop_point (c, ev, event_at (c->session, send)->time_us, x, y);
      *bonus = 2;
      return TRUE;
    }
  *x = tx (c, ev->time_us);
  if (ev->replica < 0)
    {
      *y = TOP + 2;
      *bonus = 1;
      return TRUE;
    }
  *y = lane_of (c, ev->replica);
  if (ev->kind == MMR_EV_WRITE || ev->kind == MMR_EV_DELETE
      || ev->kind == MMR_EV_CONFLICT)
    *bonus = 4;
  else if (ev->kind == MMR_EV_RESOLVE)
    *bonus = 3;
  return TRUE;
}

/* ---- hit testing ---- */

guint
mmr_diagram_hit (MmrSession *session, const MmrDiagramFrame *f, int width,
                 int height, double x, double y)
{
  MmrWorld *world = mmr_session_get_world (session);
  MmrDiagramCtx c = { .session = session, .f = f, .width = width, .height = height };
  guint best = MMR_DIAGRAM_NO_EVENT, from, to;
  double best_score = 9.0;
  gint64 slack;

  if (world == NULL || x < LEFT)
    return MMR_DIAGRAM_NO_EVENT;
  c.n = mmr_world_n_replicas (world);
  c.band = (height - TOP - BOTTOM) / MAX (c.n, 1);
  slack = (gint64) (24 * f->us_per_px);
  from = mmr_session_find_time (session,
                                f->t0_us + (gint64) ((x - LEFT) * f->us_per_px)
                                - slack - mmr_session_get_max_latency (session));
  to = mmr_session_find_time (session,
                              f->t0_us + (gint64) ((x - LEFT) * f->us_per_px)
                              + slack + 1);
  if (to - from > 20000)
    return MMR_DIAGRAM_NO_EVENT;   /* zoomed out too far to point at one */
  for (guint i = from; i < to; i++)
    {
      double ex, ey, bonus, d;

      if (!mmr_diagram_mark_point (&c, i, &ex, &ey, &bonus))
        continue;
      d = event_at (session, i)->replica < 0 && fabs (ex - x) < 4
              ? 5.0 - bonus
              : hypot (ex - x, ey - y) - bonus;
      if (d < best_score)
        {
          best_score = d;
          best = i;
        }
    }
  return best;
}

gboolean
mmr_diagram_event_point (MmrSession *session, const MmrDiagramFrame *f,
                         int width, int height, guint index, double *x,
                         double *y)
{
  MmrWorld *world = mmr_session_get_world (session);
  MmrDiagramCtx c = { .session = session, .f = f, .width = width, .height = height };
  double bonus;

  if (world == NULL || index >= mmr_session_get_n_events (session))
    return FALSE;
  c.n = mmr_world_n_replicas (world);
  c.band = (height - TOP - BOTTOM) / MAX (c.n, 1);
  return mmr_diagram_mark_point (&c, index, x, y, &bonus);
}
