/* mmr-diagram-render.c - drawing the space-time diagram (see mmr-diagram-view.h)
 *
 * Concept: Lamport's space-time diagram ("Time, Clocks, and the Ordering
 * of Events in a Distributed System", 1978), as ShiViz draws logs: one
 * lane per replica, time to the right, events as marks on their lane,
 * messages as arrows from the SEND to the DELIVER with the same message
 * id. A lost message is an arrow that stops short in a red cross labelled
 * "lost"; a conflict is a diamond labelled "conflict key", its resolution
 * a ring labelled with what won and why; partitions shade (and hatch) the
 * lanes of the replicas that are cut off, labelled "cut from ...".
 *
 * Interface: mmr_diagram_render. No widget and no display are needed;
 * where things go is mmr-diagram-geometry.c, an event in words
 * mmr-diagram-text.c.
 *
 * Invariants - the cost of a frame depends on what is visible:
 *   - events are found by binary search on time (mmr_session_find_time);
 *   - arrows are drawn from their SEND, so the scan starts one maximum
 *     latency before the left edge and no earlier;
 *   - past a few events per pixel the frame switches to a density strip
 *     per lane (one pass over the visible events, no arrows, no text);
 *   - labels are drawn only where the previous label on the lane ended.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-diagram-private.h"

#include <math.h>
#include <string.h>

#include "mmr-palette.h"
#include "core/duration.h"
#include "sim/view.h"

#define DENSE_EVENTS_PER_PX 2
#define LABEL_GAP 6.0

/* ---- background layers ---- */

static gint64
nice_step (double us)
{
  gint64 step = 1;

  for (;;)
    {
      if (step >= us) return step;
      if (2 * step >= us) return 2 * step;
      if (5 * step >= us) return 5 * step;
      step *= 10;
    }
}

static void
draw_axis (MmrDiagramCtx *c)
{
  cairo_t *cr = c->cr;
  gint64 step = nice_step (110 * c->f->us_per_px);
  gint64 t = (MAX (c->f->t0_us, 0) / step) * step;
  double right = mmr_diagram_plot_right (c->width);

  for (; t <= c->t1_us; t += step)
    {
      double x = floor (tx (c, t)) + 0.5;
      g_autofree char *label = mmr_duration_format (t);

      if (x < LEFT - 0.5 || x > right)
        continue;
      /* The "now" label sits on the axis too. */
      if (fabs (x - tx (c, c->f->now_us)) < 28)
        continue;
      cairo_move_to (cr, x, TOP - 6);
      cairo_line_to (cr, x, c->height - BOTTOM);
      mmr_draw_set_rgba (cr, &c->f->style.fg, 0.09);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
      mmr_draw_text (cr, c->small, t == 0 ? "0" : label, x, 12,
                     MMR_ALIGN_CENTER, &c->f->style.fg, NULL);
    }
}

static guint16
isolated_from (const MmrSessionCuts *cuts, guint i, guint n)
{
  guint16 mask = cuts->cut_to[i];

  for (guint j = 0; j < n; j++)
    if (cuts->cut_to[j] & (1u << i))
      mask |= (guint16) (1u << j);
  return mask;
}

static void
shade_span (MmrDiagramCtx *c, guint lane, double x0, double x1)
{
  cairo_t *cr = c->cr;
  double y = lane_of (c, (int) lane), h = c->band * 0.76;
  GdkRGBA shade;

  mmr_palette_role (MMR_PALETTE_PARTITION, c->f->style.is_dark, &shade);
  cairo_save (cr);
  cairo_rectangle (cr, x0, y - h / 2, x1 - x0, h);
  cairo_clip (cr);
  mmr_draw_set_rgba (cr, &shade, 1.0);
  cairo_paint (cr);
  /* Hatching: a partition is visible without colour. */
  for (double hx = x0 - h; hx < x1; hx += 12)
    {
      cairo_move_to (cr, hx, y + h / 2);
      cairo_line_to (cr, hx + h, y - h / 2);
    }
  mmr_draw_set_rgba (cr, &c->red, 0.22);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The words on a partitioned lane, drawn over the events (on a pill, so
 * they stay readable) at the end of the span: drops crowd its start. */
static void
label_span (MmrDiagramCtx *c, guint lane, double x0, double x1, guint16 mask)
{
  GString *s;
  MmrWorld *w = mmr_session_get_world (c->session);
  double y = lane_of (c, (int) lane), h = c->band * 0.76;

  if (x1 - x0 <= 90)
    return;
  s = g_string_new ("cut from ");
  for (guint j = 0, k = 0; j < c->n; j++)
    if (mask & (1u << j))
      g_string_append_printf (s, "%s%s", k++ ? ", " : "",
                              mmr_world_replica_name (w, j));
  mmr_draw_text (c->cr, c->small, s->str, x1 - 6, y - h / 2 + 8,
                 MMR_ALIGN_END, &c->red, &c->f->style.bg);
  g_string_free (s, TRUE);
}

static void
draw_partitions (MmrDiagramCtx *c, gboolean labels)
{
  guint n_changes = mmr_session_get_n_cut_changes (c->session);
  double right = mmr_diagram_plot_right (c->width);

  for (guint k = 0; k < n_changes; k++)
    {
      const MmrSessionCuts *cuts = mmr_session_get_cut_change (c->session, k);
      gint64 end = k + 1 < n_changes
                   ? mmr_session_get_cut_change (c->session, k + 1)->time_us
                   : c->f->now_us;
      double x0 = MAX (tx (c, cuts->time_us), LEFT);
      double x1 = MIN (tx (c, end), right);

      if (x1 <= x0)
        continue;
      for (guint i = 0; i < c->n; i++)
        {
          guint16 mask = isolated_from (cuts, i, c->n);

          if (mask != 0 && labels)
            label_span (c, i, x0, x1, mask);
          else if (mask != 0)
            shade_span (c, i, x0, x1);
        }
    }
}

static void
draw_lanes (MmrDiagramCtx *c)
{
  cairo_t *cr = c->cr;
  double now_x = CLAMP (tx (c, c->f->now_us), LEFT, mmr_diagram_plot_right (c->width));

  for (guint i = 0; i < c->n; i++)
    {
      double y = lane_of (c, (int) i);
      GdkRGBA col;

      mmr_palette_replica (i, &col);
      cairo_set_line_width (cr, 3.0);
      mmr_draw_set_rgba (cr, &col, 1.0);
      cairo_move_to (cr, LEFT, y);
      cairo_line_to (cr, now_x, y);
      cairo_stroke (cr);
      mmr_draw_set_rgba (cr, &col, 0.25);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, now_x, y);
      cairo_line_to (cr, mmr_diagram_plot_right (c->width), y);
      cairo_stroke (cr);
    }
}

static void
draw_gutter (MmrDiagramCtx *c)
{
  MmrWorld *w = mmr_session_get_world (c->session);
  cairo_t *cr = c->cr;

  for (guint i = 0; i < c->n; i++)
    {
      double y = lane_of (c, (int) i);
      GdkRGBA col;

      mmr_palette_replica (i, &col);
      cairo_arc (cr, 14, y, 6, 0, 2 * G_PI);
      mmr_draw_set_rgba (cr, &col, 1.0);
      cairo_fill (cr);
      mmr_draw_text (cr, c->bold, mmr_world_replica_name (w, i), 26, y,
                     MMR_ALIGN_START, &c->f->style.fg, NULL);
    }
}

static void
draw_now (MmrDiagramCtx *c)
{
  double x = floor (tx (c, c->f->now_us)) + 0.5;

  if (x < LEFT || x > mmr_diagram_plot_right (c->width))
    return;
  cairo_move_to (c->cr, x, TOP - 10);
  cairo_line_to (c->cr, x, c->height - BOTTOM + 4);
  mmr_draw_set_rgba (c->cr, &c->f->style.fg, 0.55);
  cairo_set_line_width (c->cr, 1.0);
  cairo_stroke (c->cr);
  mmr_draw_text (c->cr, c->small, "now", MAX (x, LEFT + 6), TOP - 14,
                 MMR_ALIGN_CENTER,
                 &c->f->style.fg, &c->f->style.bg);
}

/* ---- arrows ---- */

static void
stroke_arrow (MmrDiagramCtx *c, double x0, double y0, double x1, double y1,
              const GdkRGBA *col, gboolean payload, gboolean dashed,
              gboolean head)
{
  cairo_t *cr = c->cr;
  static const double dash[] = { 4.0, 3.0 };

  mmr_draw_set_rgba (cr, col, payload ? 0.9 : 0.45);
  cairo_set_line_width (cr, payload ? 1.6 : 1.0);
  if (dashed)
    cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (head)
    {
      mmr_draw_arrow_head (cr, x0, y0, x1, y1, payload ? 7 : 5);
      cairo_fill (cr);
    }
}

static gboolean
outside (MmrDiagramCtx *c, double x0, double x1)
{
  double right = mmr_diagram_plot_right (c->width);

  return (x0 < LEFT && x1 < LEFT) || (x0 > right && x1 > right);
}

static void
lost_label (MmrDiagramCtx *c, int lane, double x, double y)
{
  cairo_t *cr = c->cr;

  mmr_draw_set_rgba (cr, &c->red, 1.0);
  cairo_set_line_width (cr, 2.0);
  mmr_draw_cross (cr, x, y, 4.5);
  cairo_stroke (cr);
  if (x > c->label_end[lane] + LABEL_GAP)
    c->label_end[lane] = x + 6 + mmr_draw_text (cr, c->small, "lost", x + 6,
                                                y, MMR_ALIGN_START, &c->red,
                                                NULL);
}

static void
in_flight_arrow (MmrDiagramCtx *c, const MmrEvent *send, const GdkRGBA *col)
{
  MmrWorld *w = mmr_session_get_world (c->session);
  const MmrChannel *ch;

  if (send->replica < 0 || send->peer < 0)
    return;
  ch = mmr_world_get_channel (w, (guint) send->replica, (guint) send->peer);
  for (const MmrInFlight *m = ch->head; m != NULL; m = m->next)
    {
      double span, frac, x0, y0, x1, y1;

      if (m->msg_id != send->msg_id || m->is_duplicate)
        continue;
      span = MAX (m->deliver_at_us - m->sent_at_us, 1);
      frac = CLAMP ((c->f->now_us - m->sent_at_us) / span, 0.0, 1.0);
      x0 = tx (c, send->time_us);
      y0 = lane_of (c, send->replica);
      x1 = x0 + (tx (c, m->deliver_at_us) - x0) * frac;
      y1 = y0 + (lane_of (c, send->peer) - y0) * frac;
      stroke_arrow (c, x0, y0, x1, y1, col, m->is_payload, TRUE, FALSE);
      return;
    }
}

static void
message_arrow (MmrDiagramCtx *c, guint i, const MmrEvent *send, guint partner)
{
  const MmrEvent *fate;
  GdkRGBA col;
  gboolean payload = send->key != NULL;
  double x0, y0, x1, y1;

  if (send->replica < 0 || send->peer < 0)
    return;
  mmr_palette_replica ((guint) send->replica, &col);
  if (partner == MMR_DIAGRAM_NO_EVENT)
    {
      in_flight_arrow (c, send, &col);
      return;
    }
  (void) i;
  fate = event_at (c->session, partner);
  x0 = tx (c, send->time_us);
  y0 = lane_of (c, send->replica);
  if (fate->kind == MMR_EV_DROP)
    {
      mmr_diagram_drop_point (c, fate, send->time_us, &x1, &y1);
      if (outside (c, x0, x1))
        return;
      stroke_arrow (c, x0, y0, x1, y1, &col, payload, TRUE, FALSE);
      lost_label (c, send->replica, x1, y1);
      return;
    }
  x1 = tx (c, fate->time_us);
  y1 = lane_of (c, fate->replica);
  if (!outside (c, x0, x1))
    stroke_arrow (c, x0, y0, x1, y1, &col, payload, FALSE, TRUE);
}

static void
draw_arrows (MmrDiagramCtx *c, guint from, guint to)
{
  for (guint i = from; i < to; i++)
    {
      const MmrEvent *ev = event_at (c->session, i);
      guint partner;

      if (ev->kind == MMR_EV_SEND)
        message_arrow (c, i, ev, mmr_session_get_partner (c->session, i));
      else if (ev->kind == MMR_EV_DELIVER
               && (partner = mmr_session_get_partner (c->session, i))
                      != MMR_DIAGRAM_NO_EVENT
               && mmr_session_get_partner (c->session, partner) != i)
        {
          /* The second copy of a duplicated message. */
          const MmrEvent *send = event_at (c->session, partner);
          GdkRGBA col;
          double x0 = tx (c, send->time_us), x1 = tx (c, ev->time_us);

          mmr_palette_replica ((guint) send->replica, &col);
          if (!outside (c, x0, x1))
            stroke_arrow (c, x0, lane_of (c, send->replica), x1,
                          lane_of (c, ev->replica), &col, send->key != NULL,
                          FALSE, TRUE);
        }
    }
}

/* ---- marks ---- */

/* Labels that would run past the right edge end at it instead. */
static double
fit_label (MmrDiagramCtx *c, const char *text, double x)
{
  int w, h;
  double right = mmr_diagram_plot_right (c->width) + 12;

  pango_layout_set_text (c->small, text, -1);
  pango_layout_get_pixel_size (c->small, &w, &h);
  return x + w > right ? MAX (right - w, LEFT) : x;
}

static void
lane_label (MmrDiagramCtx *c, int lane, double x, double y, const char *text,
            const GdkRGBA *col, const GdkRGBA *pill)
{
  if (x < c->label_end[lane] + LABEL_GAP)
    return;
  x = fit_label (c, text, x);
  c->label_end[lane] = x + mmr_draw_text (c->cr, c->small, text, x, y,
                                          MMR_ALIGN_START, col, pill);
}

static void
draw_write (MmrDiagramCtx *c, const MmrEvent *ev, double x, double y)
{
  cairo_t *cr = c->cr;
  GdkRGBA col;
  g_autofree char *v = NULL;
  g_autofree char *label = NULL;

  mmr_palette_replica ((guint) ev->replica, &col);
  cairo_arc (cr, x, y, 5.5, 0, 2 * G_PI);
  if (ev->kind == MMR_EV_WRITE)
    {
      mmr_draw_set_rgba (cr, &col, 1.0);
      cairo_fill_preserve (cr);
      mmr_draw_set_rgba (cr, &c->f->style.fg, 1.0);
      cairo_set_line_width (cr, 1.2);
      cairo_stroke (cr);
      v = mmr_view_format_value (c->granularity, ev->value);
      if (strlen (v) > 18)
        strcpy (v + 15, "...");
      label = g_strdup_printf ("%s=%s", ev->key, v);
    }
  else
    {
      mmr_draw_set_rgba (cr, &c->f->style.bg, 1.0);
      cairo_fill_preserve (cr);
      mmr_draw_set_rgba (cr, &col, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      mmr_draw_cross (cr, x, y, 3);
      cairo_stroke (cr);
      label = g_strdup_printf ("del %s", ev->key);
    }
  lane_label (c, ev->replica, x - 4, y - 13, label, &c->f->style.fg, NULL);
}

static void
draw_conflict (MmrDiagramCtx *c, const MmrEvent *ev, double x, double y)
{
  cairo_t *cr = c->cr;
  g_autofree char *label = g_strdup_printf ("conflict %s", ev->key);

  cairo_rectangle (cr, x - 10, y - c->band * 0.4, 20, c->band * 0.8);
  mmr_draw_set_rgba (cr, &c->amber, 0.18);
  cairo_fill (cr);
  cairo_move_to (cr, x, y - 8);
  cairo_line_to (cr, x + 8, y);
  cairo_line_to (cr, x, y + 8);
  cairo_line_to (cr, x - 8, y);
  cairo_close_path (cr);
  mmr_draw_set_rgba (cr, &c->amber, 1.0);
  cairo_fill_preserve (cr);
  mmr_draw_set_rgba (cr, &c->f->style.fg, 1.0);
  cairo_set_line_width (cr, 1.2);
  cairo_stroke (cr);
  lane_label (c, ev->replica, x - 4, y - 15, label, &c->f->style.fg, NULL);
}

static char *
resolve_text (MmrDiagramCtx *c, const MmrEvent *ev)
{
  g_autofree char *v = mmr_view_format_value (c->granularity, ev->value);

  switch (ev->rule)
    {
    case MMR_RESOLVE_LWW_TIMESTAMP:
      return g_strdup_printf ("%s wins: later timestamp", v);
    case MMR_RESOLVE_LWW_TIEBREAK:
      return g_strdup_printf ("%s wins: tie-break by name", v);
    case MMR_RESOLVE_LWW_REJECTED:
      return g_strdup_printf ("%s kept: newer write rejected", v);
    case MMR_RESOLVE_SIBLINGS:
      return g_strdup_printf ("%u siblings kept", ev->n_kept);
    case MMR_RESOLVE_NONE:
    default:
      return g_strdup ("resolved");
    }
}

static void
draw_resolve (MmrDiagramCtx *c, const MmrEvent *ev, double x, double y)
{
  g_autofree char *label = resolve_text (c, ev);

  cairo_arc (c->cr, x, y, 11, 0, 2 * G_PI);
  mmr_draw_set_rgba (c->cr, &c->amber, 1.0);
  cairo_set_line_width (c->cr, 2.0);
  cairo_stroke (c->cr);
  if (x - 4 < c->below_end[ev->replica] + LABEL_GAP)
    return;
  x = fit_label (c, label, x - 4);
  c->below_end[ev->replica] = x + mmr_draw_text (c->cr, c->small, label, x,
                                                 y + 17, MMR_ALIGN_START,
                                                 &c->f->style.fg, NULL);
}

static void
draw_world_event (MmrDiagramCtx *c, const MmrEvent *ev, double x)
{
  cairo_t *cr = c->cr;
  static const double dash[] = { 5.0, 4.0 };
  const GdkRGBA *col = ev->kind == MMR_EV_PARTITION ? &c->red
                       : ev->kind == MMR_EV_HEAL ? &c->green
                                                 : &c->f->style.fg;

  x = floor (x) + 0.5;
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, x, TOP - 4);
  cairo_line_to (cr, x, c->height - BOTTOM);
  mmr_draw_set_rgba (cr, col, ev->kind == MMR_EV_CONFIG ? 0.4 : 0.9);
  cairo_set_line_width (cr, ev->kind == MMR_EV_CONFIG ? 1.0 : 1.5);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (x > c->top_label_end + LABEL_GAP && ev->detail != NULL)
    c->top_label_end = x + 4 + mmr_draw_text (cr, c->small, ev->detail, x + 4,
                                              TOP + 2, MMR_ALIGN_START, col,
                                              &c->f->style.bg);
}

static void
draw_small_mark (MmrDiagramCtx *c, const MmrEvent *ev, double x, double y)
{
  cairo_t *cr = c->cr;
  GdkRGBA col;

  mmr_palette_replica ((guint) ev->replica, &col);
  switch (ev->kind)
    {
    case MMR_EV_SEND:
    case MMR_EV_DELIVER:
      cairo_arc (cr, x, y, 2.5, 0, 2 * G_PI);
      mmr_draw_set_rgba (cr, &c->f->style.fg, 0.8);
      cairo_fill (cr);
      break;
    case MMR_EV_ANTIENTROPY:
      cairo_rectangle (cr, x - 3, y - 3, 6, 6);
      mmr_draw_set_rgba (cr, &col, 1.0);
      cairo_set_line_width (cr, 1.2);
      cairo_stroke (cr);
      break;
    case MMR_EV_DUPLICATE:
      lane_label (c, ev->replica, x + 4, y + 10, "dup", &c->f->style.fg, NULL);
      break;
    case MMR_EV_SKEW:
      cairo_arc (cr, x, y, 6, 0, 2 * G_PI);
      mmr_draw_set_rgba (cr, &c->f->style.bg, 1.0);
      cairo_fill_preserve (cr);
      mmr_draw_set_rgba (cr, &c->f->style.fg, 1.0);
      cairo_set_line_width (cr, 1.2);
      cairo_stroke (cr);
      cairo_move_to (cr, x, y - 4);
      cairo_line_to (cr, x, y);
      cairo_line_to (cr, x + 3, y);
      cairo_stroke (cr);
      lane_label (c, ev->replica, x + 9, y - 12, ev->detail, &c->f->style.fg,
                  NULL);
      break;
    default:
      break;
    }
}

static void
draw_mark (MmrDiagramCtx *c, const MmrEvent *ev)
{
  double x = tx (c, ev->time_us);
  double y = ev->replica >= 0 ? lane_of (c, ev->replica) : 0;

  switch (ev->kind)
    {
    case MMR_EV_WRITE:
    case MMR_EV_DELETE: draw_write (c, ev, x, y); break;
    case MMR_EV_CONFLICT: draw_conflict (c, ev, x, y); break;
    case MMR_EV_RESOLVE: draw_resolve (c, ev, x, y); break;
    case MMR_EV_PARTITION:
    case MMR_EV_HEAL:
    case MMR_EV_CONFIG: draw_world_event (c, ev, x); break;
    case MMR_EV_DROP: break;  /* drawn with its arrow */
    default:
      if (ev->replica >= 0)
        draw_small_mark (c, ev, x, y);
    }
}


static void
draw_selection (MmrDiagramCtx *c, guint index, gboolean is_highlight)
{
  double x, y, bonus;

  if (index >= mmr_session_get_n_events (c->session)
      || !mmr_diagram_mark_point (c, index, &x, &y, &bonus))
    return;
  if (is_highlight)
    {
      cairo_rectangle (c->cr, x - 14, TOP - 6, 28, c->height - BOTTOM - TOP + 6);
      mmr_draw_set_rgba (c->cr, &c->amber, 0.22);
      cairo_fill (c->cr);
    }
  cairo_arc (c->cr, x, y, 13, 0, 2 * G_PI);
  mmr_draw_set_rgba (c->cr, &c->f->style.fg, 1.0);
  cairo_set_line_width (c->cr, 2.5);
  cairo_stroke (c->cr);
}

/* ---- zoomed out ---- */

static void
draw_density (MmrDiagramCtx *c, guint from, guint to)
{
  double right = mmr_diagram_plot_right (c->width);
  guint n_buckets = (guint) ((right - LEFT) / 3) + 1;
  g_autofree guint *counts = g_new0 (guint, (gsize) n_buckets * c->n);
  g_autofree guint8 *conflicts = g_new0 (guint8, n_buckets);
  g_autofree char *note = NULL;

  const MmrSessionBrief *briefs = mmr_session_get_briefs (c->session);
  double scale = 1.0 / (3 * c->f->us_per_px);

  /* The briefs are 16 bytes an event: this loop is the whole cost of a
   * zoomed-out frame. */
  for (guint i = from; i < to; i++)
    {
      const MmrSessionBrief *ev = &briefs[i];
      double b = (ev->time_us - c->f->t0_us) * scale;

      if (ev->replica < 0 || b < 0 || b >= n_buckets)
        continue;
      counts[(gsize) ev->replica * n_buckets + (guint) b]++;
      if (ev->kind == MMR_EV_CONFLICT)
        conflicts[(guint) b] = 1;
    }
  for (guint lane = 0; lane < c->n; lane++)
    {
      double y = lane_of (c, (int) lane);
      GdkRGBA col;

      mmr_palette_replica (lane, &col);
      mmr_draw_set_rgba (c->cr, &col, 0.55);
      for (guint b = 0; b < n_buckets; b++)
        {
          guint k = counts[(gsize) lane * n_buckets + b];
          double h;

          if (k == 0)
            continue;
          /* Whole pixels: cairo fills pixel-aligned boxes without
           * rasterizing edges, the difference between 20 ms and 2 ms. */
          h = round (MIN (c->band * 0.4, 3 + 3 * log2 (k)));
          cairo_rectangle (c->cr, LEFT + 3 * b, floor (y) - h, 2, 2 * h + 1);
        }
      cairo_fill (c->cr);
    }
  for (guint b = 0; b < n_buckets; b++)
    if (conflicts[b])
      {
        double x = LEFT + 3 * b + 1;

        cairo_move_to (c->cr, x, TOP - 8);
        cairo_line_to (c->cr, x + 4, TOP - 4);
        cairo_line_to (c->cr, x, TOP);
        cairo_line_to (c->cr, x - 4, TOP - 4);
        cairo_close_path (c->cr);
        mmr_draw_set_rgba (c->cr, &c->amber, 1.0);
        cairo_fill (c->cr);
      }
  note = g_strdup_printf ("%u events shown as density (\u25C6 = conflict); "
                          "zoom in (Ctrl+scroll) to see messages", to - from);
  mmr_draw_text (c->cr, c->small, note, LEFT + 4, c->height - 8,
                 MMR_ALIGN_START, &c->f->style.fg, &c->f->style.bg);
}

/* ---- the frame ---- */

static void
draw_events (MmrDiagramCtx *c)
{
  gint64 L = mmr_session_get_max_latency (c->session);
  guint first = mmr_session_find_time (c->session, c->f->t0_us);
  guint from = mmr_session_find_time (c->session, c->f->t0_us - L - 1);
  guint to = mmr_session_find_time (c->session, c->t1_us + 1);
  double plot = mmr_diagram_plot_right (c->width) - LEFT;

  if (to - first > DENSE_EVENTS_PER_PX * plot)
    {
      draw_density (c, first, to);
      return;
    }
  draw_arrows (c, from, to);
  for (guint i = first; i < to; i++)
    draw_mark (c, event_at (c->session, i));
}

void
mmr_diagram_render (MmrSession *session, const MmrDiagramFrame *f,
                    cairo_t *cr, int width, int height)
{
  MmrWorld *world = mmr_session_get_world (session);
  g_autoptr (PangoLayout) small = NULL;
  g_autoptr (PangoLayout) bold = NULL;
  MmrDiagramCtx c = { .session = session, .f = f, .cr = cr, .width = width,
            .height = height, .top_label_end = -1e9 };

  if (f->paint_background)
    {
      mmr_draw_set_rgba (cr, &f->style.bg, 1.0);
      cairo_paint (cr);
    }
  if (world == NULL || f->us_per_px <= 0)
    return;
  c.n = mmr_world_n_replicas (world);
  c.band = (height - TOP - BOTTOM) / MAX (c.n, 1);
  c.t1_us = f->t0_us + (gint64) ((mmr_diagram_plot_right (width) - LEFT)
                                 * f->us_per_px);
  c.granularity = mmr_world_get_config (world)->granularity;
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    c.label_end[i] = c.below_end[i] = -1e9;
  mmr_palette_role (MMR_PALETTE_CUT, f->style.is_dark, &c.red);
  mmr_palette_role (MMR_PALETTE_CONFLICT, f->style.is_dark, &c.amber);
  mmr_palette_role (MMR_PALETTE_OK, f->style.is_dark, &c.green);
  small = mmr_draw_layout_new (cr, 8, FALSE);
  bold = mmr_draw_layout_new (cr, 10, TRUE);
  c.small = small;
  c.bold = bold;

  draw_axis (&c);
  cairo_save (cr);
  cairo_rectangle (cr, LEFT - 8, 0, mmr_diagram_plot_right (width) - LEFT + 24,
                   height);
  cairo_clip (cr);
  draw_partitions (&c, FALSE);
  if (f->highlighted != MMR_DIAGRAM_NO_EVENT)
    draw_selection (&c, f->highlighted, TRUE);
  draw_lanes (&c);
  draw_events (&c);
  draw_partitions (&c, TRUE);
  if (f->selected != MMR_DIAGRAM_NO_EVENT)
    draw_selection (&c, f->selected, FALSE);
  draw_now (&c);
  cairo_restore (cr);
  draw_gutter (&c);
}
