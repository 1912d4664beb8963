/* mmr-topology-view.c - replicas on a ring, links, messages in flight
 *
 * Concept: the network as a student pictures it. Each replica is a node
 * on a ring, in its palette colour. Each pair of replicas is joined by
 * two directed links drawn side by side (traffic keeps to the right), so a
 * one-way cut shows on one of them. A link that is up is a thin grey line;
 * a cut link is dashed red and labelled "cut". Messages in flight are dots
 * placed by virtual time between their send and delivery times (the
 * channel queue knows both), filled for a write's state, hollow for
 * anti-entropy digests; a message on a cut link is ringed in red - it will
 * be lost. Lost messages show as a red cross labelled "lost" that fades
 * out over a few link latencies of virtual time.
 *
 * Interface: mmr_topology_render and its geometry helpers (no widget
 * needed: export and benchmark use them), and the MmrTopologyView widget.
 *
 * Invariants: drawing reads only the session and the world's public read
 * API; every interaction goes through the session, so it is traced and
 * replayed by time travel. The cost of a frame is links + messages in
 * flight + recent drops (a binary search finds those), never history.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-topology-view.h"

#include <math.h>

#include "mmr-palette.h"
#include "core/duration.h"
#include "net/wire.h"
#include "sim/view.h"

#define LINK_OFFSET 4.0
#define LINK_HIT_PX 8.0
#define MESSAGE_HIT_PX 9.0
#define MIN_FADE_US 10000

/* ---- geometry ---- */

static double
node_radius (int width, int height)
{
  return CLAMP (MIN (width, height) * 0.06, 14.0, 28.0);
}

void
mmr_topology_node_position (guint i, guint n, int width, int height,
                            double *x, double *y)
{
  double r_node = node_radius (width, height);
  double ring = MAX (MIN (width, height) / 2.0 - r_node - 34.0, 10.0);
  double start = n == 2 ? G_PI : -G_PI / 2;
  double a = start + 2 * G_PI * i / MAX (n, 1);
  /* An odd ring reaches lower at the top than at the bottom: centre its
   * bounding box, not its circle. */
  double shift = n % 2 == 1 ? ring * (1 - cos (G_PI / n)) / 2 : 0;

  *x = width / 2.0 + ring * cos (a);
  *y = (height - 22) / 2.0 + shift + ring * sin (a);
}

/* The directed link from -> to, between the two node rims, shifted to the
 * right of its direction. */
static void
link_ends (guint from, guint to, guint n, int width, int height,
           double *x0, double *y0, double *x1, double *y1)
{
  double ax, ay, bx, by, len, ux, uy;
  double r = node_radius (width, height) + 3;

  mmr_topology_node_position (from, n, width, height, &ax, &ay);
  mmr_topology_node_position (to, n, width, height, &bx, &by);
  len = MAX (hypot (bx - ax, by - ay), 1e-6);
  ux = (bx - ax) / len;
  uy = (by - ay) / len;
  *x0 = ax + ux * r - uy * LINK_OFFSET;
  *y0 = ay + uy * r + ux * LINK_OFFSET;
  *x1 = bx - ux * r - uy * LINK_OFFSET;
  *y1 = by - uy * r + ux * LINK_OFFSET;
}

static void
link_point (guint from, guint to, guint n, int width, int height, double frac,
            double *x, double *y)
{
  double x0, y0, x1, y1;

  link_ends (from, to, n, width, height, &x0, &y0, &x1, &y1);
  *x = x0 + (x1 - x0) * frac;
  *y = y0 + (y1 - y0) * frac;
}

static double
segment_distance (double px, double py, double x0, double y0, double x1,
                  double y1)
{
  double dx = x1 - x0, dy = y1 - y0;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;

  t = CLAMP (t, 0.0, 1.0);
  return hypot (px - (x0 + t * dx), py - (y0 + t * dy));
}

gboolean
mmr_topology_link_at (MmrSession *session, int width, int height, double x,
                      double y, guint *a, guint *b)
{
  MmrWorld *world = mmr_session_get_world (session);
  double best = LINK_HIT_PX;
  gboolean found = FALSE;
  guint n;

  if (world == NULL)
    return FALSE;
  n = mmr_world_n_replicas (world);
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        double x0, y0, x1, y1, d;

        mmr_topology_node_position (i, n, width, height, &x0, &y0);
        mmr_topology_node_position (j, n, width, height, &x1, &y1);
        if (hypot (x - x0, y - y0) < node_radius (width, height)
            || hypot (x - x1, y - y1) < node_radius (width, height))
          continue;
        d = segment_distance (x, y, x0, y0, x1, y1);
        if (d < best)
          {
            best = d;
            *a = i;
            *b = j;
            found = TRUE;
          }
      }
  return found;
}

gboolean
mmr_topology_partition_by_line (MmrSession *session, int width, int height,
                                double x0, double y0, double x1, double y1)
{
  MmrWorld *world = mmr_session_get_world (session);
  int group_of[MMR_MAX_REPLICAS];
  guint n, n_side = 0;

  if (world == NULL || hypot (x1 - x0, y1 - y0) < 1)
    return FALSE;
  n = mmr_world_n_replicas (world);
  for (guint i = 0; i < n; i++)
    {
      double px, py;

      mmr_topology_node_position (i, n, width, height, &px, &py);
      /* The sign of the cross product says which side of the line. */
      group_of[i] = (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) > 0;
      n_side += (guint) group_of[i];
    }
  if (n_side == 0 || n_side == n)
    return FALSE;
  mmr_session_partition (session, group_of);
  return TRUE;
}

/* ---- rendering ---- */

void
mmr_topology_frame_init (MmrTopologyFrame *frame, MmrSession *session,
                         gboolean is_dark)
{
  *frame = (MmrTopologyFrame) { .paint_background = TRUE, .hover_a = -1,
                                .hover_b = -1 };
  mmr_draw_style_init (&frame->style, is_dark);
  frame->time_us = session != NULL ? mmr_session_get_display_time (session) : 0;
}

/* Past this many, per-item words would cover the drawing: the header
 * line says how many instead (the dashes and crosses stay). */
#define MAX_LABELS 4

static guint
count_cut_links (MmrWorld *world)
{
  guint n = mmr_world_n_replicas (world), count = 0;

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      count += mmr_world_get_channel (world, i, j)->is_cut
               || mmr_world_get_channel (world, j, i)->is_cut;
  return count;
}

static void
draw_link (cairo_t *cr, PangoLayout *small, const MmrTopologyFrame *f,
           MmrWorld *world, guint i, guint j, int width, int height,
           gboolean with_label)
{
  guint n = mmr_world_n_replicas (world);
  gboolean cut_ij = mmr_world_get_channel (world, i, j)->is_cut;
  gboolean cut_ji = mmr_world_get_channel (world, j, i)->is_cut;
  gboolean hover = f->hover_a == (int) i && f->hover_b == (int) j;
  GdkRGBA red;

  mmr_palette_role (MMR_PALETTE_CUT, f->style.is_dark, &red);
  for (int dir = 0; dir < 2; dir++)
    {
      guint from = dir == 0 ? i : j, to = dir == 0 ? j : i;
      gboolean cut = dir == 0 ? cut_ij : cut_ji;
      double x0, y0, x1, y1;
      static const double dash[] = { 6.0, 4.0 };

      link_ends (from, to, n, width, height, &x0, &y0, &x1, &y1);
      cairo_move_to (cr, x0, y0);
      cairo_line_to (cr, x1, y1);
      if (cut)
        {
          mmr_draw_set_rgba (cr, &red, 1.0);
          cairo_set_line_width (cr, hover ? 3.0 : 2.0);
          cairo_set_dash (cr, dash, 2, 0);
        }
      else
        {
          mmr_draw_set_rgba (cr, &f->style.fg, hover ? 0.8 : 0.3);
          cairo_set_line_width (cr, hover ? 2.5 : 1.5);
        }
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  if ((cut_ij || cut_ji) && with_label)
    {
      double ax, ay, bx, by;
      g_autofree char *label = NULL;

      mmr_topology_node_position (i, n, width, height, &ax, &ay);
      mmr_topology_node_position (j, n, width, height, &bx, &by);
      if (cut_ij && cut_ji)
        label = g_strdup ("cut");
      else
        label = g_strdup_printf ("cut %s\u2192%s",
                                 mmr_world_replica_name (world, cut_ij ? i : j),
                                 mmr_world_replica_name (world, cut_ij ? j : i));
      mmr_draw_text (cr, small, label, (ax + bx) / 2, (ay + by) / 2,
                     MMR_ALIGN_CENTER, &red, &f->style.bg);
    }
}

static void
draw_node (cairo_t *cr, PangoLayout *bold, PangoLayout *small,
           const MmrTopologyFrame *f, MmrWorld *world, guint i, int width,
           int height)
{
  guint n = mmr_world_n_replicas (world);
  double x, y, r = node_radius (width, height);
  GdkRGBA c, white = { 1, 1, 1, 1 };
  g_autofree char *keys = NULL;
  guint n_keys = mmr_store_size (mmr_world_get_store (world, i));

  mmr_topology_node_position (i, n, width, height, &x, &y);
  mmr_palette_replica (i, &c);
  cairo_arc (cr, x, y, r, 0, 2 * G_PI);
  mmr_draw_set_rgba (cr, &c, 1.0);
  cairo_fill_preserve (cr);
  mmr_draw_set_rgba (cr, &f->style.fg, 0.6);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  mmr_draw_text (cr, bold, mmr_world_replica_name (world, i), x, y,
                 MMR_ALIGN_CENTER, &white, NULL);
  keys = g_strdup_printf (n_keys == 1 ? "%u key" : "%u keys", n_keys);
  mmr_draw_text (cr, small, keys, x, y + r + 10, MMR_ALIGN_CENTER,
                 &f->style.fg, &f->style.bg);
}

static void
draw_messages (cairo_t *cr, const MmrTopologyFrame *f, MmrWorld *world,
               int width, int height)
{
  guint n = mmr_world_n_replicas (world);
  /* Hundreds in flight: smaller dots, so the links stay visible. */
  double scale = mmr_world_n_in_flight (world) > 150 ? 0.6 : 1.0;
  GdkRGBA red;

  mmr_palette_role (MMR_PALETTE_CUT, f->style.is_dark, &red);
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        const MmrChannel *ch;
        GdkRGBA c;

        if (i == j)
          continue;
        ch = mmr_world_get_channel (world, i, j);
        mmr_palette_replica (i, &c);
        for (const MmrInFlight *m = ch->head; m != NULL; m = m->next)
          {
            double span = MAX (m->deliver_at_us - m->sent_at_us, 1);
            double frac = CLAMP ((f->time_us - m->sent_at_us) / span, 0.0, 1.0);
            double x, y, r = (m->is_payload ? 5.0 : 3.5) * scale;

            link_point (i, j, n, width, height, frac, &x, &y);
            cairo_arc (cr, x, y, r, 0, 2 * G_PI);
            if (m->is_payload)
              {
                mmr_draw_set_rgba (cr, &c, 1.0);
                cairo_fill_preserve (cr);
                mmr_draw_set_rgba (cr, &f->style.fg, 0.8);
                cairo_set_line_width (cr, 1.0);
              }
            else
              {
                mmr_draw_set_rgba (cr, &c, 1.0);
                cairo_set_line_width (cr, 2.0);
              }
            cairo_stroke (cr);
            if (ch->is_cut)
              {
                cairo_arc (cr, x, y, r + 3, 0, 2 * G_PI);
                mmr_draw_set_rgba (cr, &red, 1.0);
                cairo_set_line_width (cr, 1.5);
                cairo_stroke (cr);
              }
          }
      }
}

/* Drops of the last few latencies, fading with their virtual age. */
static void
draw_losses (cairo_t *cr, PangoLayout *small, MmrSession *session,
             const MmrTopologyFrame *f, MmrWorld *world, int width, int height)
{
  const MmrWorldConfig *cfg = mmr_world_get_config (world);
  gint64 fade = MAX (2 * cfg->link.latency_max_us, MIN_FADE_US);
  guint n = mmr_world_n_replicas (world);
  guint first = mmr_session_find_time (session, f->time_us - fade);
  guint total = mmr_session_get_n_events (session);
  guint n_lost = 0;
  GdkRGBA red;

  mmr_palette_role (MMR_PALETTE_CUT, f->style.is_dark, &red);
  for (guint k = first; k < total; k++)
    {
      const MmrSessionBrief *b = &mmr_session_get_briefs (session)[k];

      n_lost += b->time_us <= f->time_us && b->kind == MMR_EV_DROP;
    }
  for (guint k = first; k < total; k++)
    {
      const MmrEvent *ev = &mmr_session_get_event (session, k)->ev;
      double alpha, frac, x, y;

      if (ev->time_us > f->time_us)
        break;
      if (ev->kind != MMR_EV_DROP || ev->replica < 0 || ev->peer < 0)
        continue;
      alpha = 1.0 - (double) (f->time_us - ev->time_us) / fade;
      frac = g_strcmp0 (ev->detail, "cut in flight") == 0 ? 0.6 : 0.22;
      link_point ((guint) ev->replica, (guint) ev->peer, n, width, height,
                  frac, &x, &y);
      mmr_draw_set_rgba (cr, &red, alpha);
      cairo_set_line_width (cr, 2.5);
      mmr_draw_cross (cr, x, y, 5);
      cairo_stroke (cr);
      if (n_lost <= MAX_LABELS)
        {
          GdkRGBA faded = red;

          faded.alpha *= (float) alpha;
          mmr_draw_text (cr, small, "lost", x + 8, y - 8, MMR_ALIGN_START,
                         &faded, NULL);
        }
    }
  if (n_lost > MAX_LABELS)
    {
      g_autofree char *text = g_strdup_printf ("\u2715 %u messages just lost",
                                               n_lost);

      mmr_draw_text (cr, small, text, width - 10, 12, MMR_ALIGN_END, &red,
                     NULL);
    }
}

static void
draw_drag (cairo_t *cr, PangoLayout *small, const MmrTopologyFrame *f)
{
  static const double dash[] = { 8.0, 5.0 };

  cairo_move_to (cr, f->drag_x0, f->drag_y0);
  cairo_line_to (cr, f->drag_x1, f->drag_y1);
  mmr_draw_set_rgba (cr, &f->style.fg, 0.9);
  cairo_set_line_width (cr, 2.0);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  mmr_draw_text (cr, small, "release to partition along this line",
                 f->drag_x1 + 10, f->drag_y1, MMR_ALIGN_START, &f->style.fg,
                 &f->style.bg);
}

static void
draw_legend (cairo_t *cr, PangoLayout *small, MmrSession *session,
             const MmrTopologyFrame *f, int height)
{
  GdkRGBA dim = f->style.fg;
  g_autofree char *t = mmr_duration_format (f->time_us);
  g_autofree char *head = NULL;
  guint64 in_flight = mmr_world_n_in_flight (mmr_session_get_world (session));

  head = g_strdup_printf ("virtual time %s \u00B7 %" G_GUINT64_FORMAT
                          " message%s in flight", t, in_flight,
                          in_flight == 1 ? "" : "s");
  mmr_draw_text (cr, small, head, 10, 12, MMR_ALIGN_START, &f->style.fg, NULL);
  dim.alpha = 0.7f;
  mmr_draw_text (cr, small,
                 "\u25CF write in flight   \u25CB digest   \u2715 lost   "
                 "- - cut link      click a link: cut / heal   "
                 "drag across: partition",
                 10, height - 12, MMR_ALIGN_START, &dim, NULL);
}

void
mmr_topology_render (MmrSession *session, const MmrTopologyFrame *f,
                     cairo_t *cr, int width, int height)
{
  MmrWorld *world = mmr_session_get_world (session);
  g_autoptr (PangoLayout) bold = NULL;
  g_autoptr (PangoLayout) small = NULL;
  guint n, n_cut;

  if (f->paint_background)
    {
      mmr_draw_set_rgba (cr, &f->style.bg, 1.0);
      cairo_paint (cr);
    }
  if (world == NULL)
    {
      g_autoptr (PangoLayout) hint = mmr_draw_layout_new (cr, 11, FALSE);

      mmr_draw_text (cr, hint, "Open a scenario (Ctrl+O) to see its replicas",
                     width / 2.0, height / 2.0, MMR_ALIGN_CENTER,
                     &f->style.fg, NULL);
      return;
    }
  n = mmr_world_n_replicas (world);
  bold = mmr_draw_layout_new (cr, n > 9 ? 8 : 11, TRUE);
  small = mmr_draw_layout_new (cr, 8.5, FALSE);
  n_cut = count_cut_links (world);
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      draw_link (cr, small, f, world, i, j, width, height,
                 n_cut <= MAX_LABELS);
  if (n_cut > MAX_LABELS)
    {
      g_autofree char *text = g_strdup_printf ("- - %u links cut", n_cut);
      GdkRGBA red;

      mmr_palette_role (MMR_PALETTE_CUT, f->style.is_dark, &red);
      mmr_draw_text (cr, small, text, width - 10, 28, MMR_ALIGN_END, &red,
                     NULL);
    }
  draw_messages (cr, f, world, width, height);
  draw_losses (cr, small, session, f, world, width, height);
  for (guint i = 0; i < n; i++)
    draw_node (cr, bold, small, f, world, i, width, height);
  if (f->dragging)
    draw_drag (cr, small, f);
  draw_legend (cr, small, session, f, height);
}

/* ---- message tooltips ---- */

static void
describe_register (GString *s, const MmrWireRegister *wr,
                   const char *const *names)
{
  g_autofree char *vv = mmr_version_vector_to_string (&wr->reg->vv, names);

  g_string_append_printf (s, "\n%s  vv %s", wr->name, vv);
  for (guint k = 0; k < wr->reg->n_siblings; k++)
    {
      const MmrVersion *v = &wr->reg->siblings[k];
      g_autofree char *hlc = mmr_hlc_to_string (v->hlc);

      g_string_append_printf (s, "\n   %s:%u = %s  (HLC %s)",
                              names[v->dot.replica], v->dot.counter,
                              v->value != NULL ? v->value : "tombstone", hlc);
    }
}

static char *
describe (MmrWorld *world, const MmrInFlight *m, guint from, guint to)
{
  const char *const *names = mmr_world_replica_names (world);
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrMessage) msg = mmr_wire_decode (m->bytes, &error);
  g_autofree char *sent = mmr_duration_format (m->sent_at_us);
  g_autofree char *due = mmr_duration_format (m->deliver_at_us);
  g_autofree char *clock = mmr_version_vector_to_string (&m->send_clock, names);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s \u2192 %s, message %" G_GUINT64_FORMAT "%s, "
                          "%" G_GSIZE_FORMAT " bytes\nsent at %s, arrives at %s",
                          names[from], names[to], m->msg_id,
                          m->is_duplicate ? " (duplicate copy)" : "",
                          g_bytes_get_size (m->bytes), sent, due);
  if (mmr_world_get_channel (world, from, to)->is_cut)
    g_string_append (s, "\nthe link is cut: this message will be lost");
  if (msg == NULL)
    {
      g_string_append_printf (s, "\ncannot decode: %s", error->message);
      return g_string_free (s, FALSE);
    }
  {
    g_autofree char *hlc = mmr_hlc_to_string (msg->hlc);

    g_string_append_printf (s, "\n%s, Lamport %" G_GUINT64_FORMAT ", HLC %s",
                            mmr_msg_type_to_string (msg->type), msg->lamport,
                            hlc);
  }
  for (guint k = 0; k < msg->registers->len && k < 8; k++)
    describe_register (s, msg->registers->pdata[k], names);
  if (msg->registers->len > 8)
    g_string_append_printf (s, "\n\u2026 and %u more registers",
                            msg->registers->len - 8);
  g_string_append_printf (s, "\nsender's vector clock %s", clock);
  return g_string_free (s, FALSE);
}

char *
mmr_topology_describe_message_at (MmrSession *session, gint64 time_us,
                                  int width, int height, double x, double y)
{
  MmrWorld *world = mmr_session_get_world (session);
  const MmrInFlight *best = NULL;
  guint best_from = 0, best_to = 0, n;
  double best_d = MESSAGE_HIT_PX;

  if (world == NULL)
    return NULL;
  n = mmr_world_n_replicas (world);
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        if (i == j)
          continue;
        for (const MmrInFlight *m = mmr_world_get_channel (world, i, j)->head;
             m != NULL; m = m->next)
          {
            double span = MAX (m->deliver_at_us - m->sent_at_us, 1);
            double frac = CLAMP ((time_us - m->sent_at_us) / span, 0.0, 1.0);
            double mx, my, d;

            link_point (i, j, n, width, height, frac, &mx, &my);
            d = hypot (mx - x, my - y);
            if (d < best_d)
              {
                best_d = d;
                best = m;
                best_from = i;
                best_to = j;
              }
          }
      }
  return best != NULL ? describe (world, best, best_from, best_to) : NULL;
}

/* ---- the widget ---- */

struct _MmrTopologyView {
  GtkWidget parent_instance;

  /* owned */
  MmrSession *session;
  gulong state_handler;
  gulong reset_handler;
  MmrTopologyFrame frame;      /* hover and drag state between frames */
};

G_DEFINE_FINAL_TYPE (MmrTopologyView, mmr_topology_view, GTK_TYPE_WIDGET)

static void
style_of (GtkWidget *widget, MmrDrawStyle *style)
{
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  mmr_draw_style_from_fg (style, &fg);
}

static void
mmr_topology_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MmrTopologyView *self = MMR_TOPOLOGY_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->session == NULL || width <= 0 || height <= 0)
    return;
  style_of (widget, &self->frame.style);
  self->frame.paint_background = FALSE;
  self->frame.time_us = mmr_session_get_display_time (self->session);
  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0, width, height));
  mmr_topology_render (self->session, &self->frame, cr, width, height);
  cairo_destroy (cr);
}

gboolean
mmr_topology_view_click (MmrTopologyView *self, double x, double y)
{
  guint a, b;

  g_return_val_if_fail (MMR_IS_TOPOLOGY_VIEW (self), FALSE);
  if (self->session == NULL
      || !mmr_topology_link_at (self->session,
                                gtk_widget_get_width (GTK_WIDGET (self)),
                                gtk_widget_get_height (GTK_WIDGET (self)), x, y,
                                &a, &b))
    return FALSE;
  mmr_session_toggle_link (self->session, a, b);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y,
               MmrTopologyView *self)
{
  (void) gesture;
  self->frame.drag_x0 = self->frame.drag_x1 = x;
  self->frame.drag_y0 = self->frame.drag_y1 = y;
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy,
                MmrTopologyView *self)
{
  (void) gesture;
  self->frame.drag_x1 = self->frame.drag_x0 + dx;
  self->frame.drag_y1 = self->frame.drag_y0 + dy;
  self->frame.dragging = hypot (dx, dy) > 8;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy,
             MmrTopologyView *self)
{
  GtkWidget *w = GTK_WIDGET (self);

  (void) gesture;
  if (!self->frame.dragging)
    mmr_topology_view_click (self, self->frame.drag_x0, self->frame.drag_y0);
  else if (self->session != NULL)
    mmr_topology_partition_by_line (self->session, gtk_widget_get_width (w),
                                    gtk_widget_get_height (w),
                                    self->frame.drag_x0, self->frame.drag_y0,
                                    self->frame.drag_x0 + dx,
                                    self->frame.drag_y0 + dy);
  self->frame.dragging = FALSE;
  gtk_widget_queue_draw (w);
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y,
           MmrTopologyView *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  guint a = 0, b = 0;
  gboolean on_link;

  (void) motion;
  on_link = self->session != NULL
            && mmr_topology_link_at (self->session, gtk_widget_get_width (w),
                                     gtk_widget_get_height (w), x, y, &a, &b);
  if ((on_link ? (int) a : -1) != self->frame.hover_a
      || (on_link ? (int) b : -1) != self->frame.hover_b)
    {
      self->frame.hover_a = on_link ? (int) a : -1;
      self->frame.hover_b = on_link ? (int) b : -1;
      gtk_widget_set_cursor_from_name (w, on_link ? "pointer" : NULL);
      gtk_widget_queue_draw (w);
    }
}

static void
leave_cb (GtkEventControllerMotion *motion, MmrTopologyView *self)
{
  (void) motion;
  self->frame.hover_a = self->frame.hover_b = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard,
                  GtkTooltip *tooltip, MmrTopologyView *self)
{
  g_autofree char *text = NULL;
  guint a, b;

  (void) keyboard;
  if (self->session == NULL)
    return FALSE;
  text = mmr_topology_describe_message_at (
      self->session, mmr_session_get_display_time (self->session),
      gtk_widget_get_width (widget), gtk_widget_get_height (widget), x, y);
  if (text == NULL
      && mmr_topology_link_at (self->session, gtk_widget_get_width (widget),
                               gtk_widget_get_height (widget), x, y, &a, &b))
    {
      MmrWorld *world = mmr_session_get_world (self->session);
      gboolean cut = mmr_world_get_channel (world, a, b)->is_cut
                     || mmr_world_get_channel (world, b, a)->is_cut;

      text = g_strdup_printf ("Link %s \u2194 %s: %s. Click to %s it.",
                              mmr_world_replica_name (world, a),
                              mmr_world_replica_name (world, b),
                              cut ? "cut" : "up", cut ? "heal" : "cut");
    }
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
session_changed_cb (MmrSession *session, MmrTopologyView *self)
{
  (void) session;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
mmr_topology_view_set_session (MmrTopologyView *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_TOPOLOGY_VIEW (self));
  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->state_handler, self->session);
      g_clear_signal_handler (&self->reset_handler, self->session);
      g_clear_object (&self->session);
    }
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      self->state_handler = g_signal_connect (session, "state-changed",
                                              G_CALLBACK (session_changed_cb),
                                              self);
      self->reset_handler = g_signal_connect (session, "reset",
                                              G_CALLBACK (session_changed_cb),
                                              self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
mmr_topology_view_dispose (GObject *object)
{
  mmr_topology_view_set_session (MMR_TOPOLOGY_VIEW (object), NULL);
  G_OBJECT_CLASS (mmr_topology_view_parent_class)->dispose (object);
}

static void
mmr_topology_view_class_init (MmrTopologyViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_topology_view_dispose;
  widget_class->snapshot = mmr_topology_view_snapshot;
  gtk_widget_class_set_css_name (widget_class, "topology-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mmr_topology_view_init (MmrTopologyView *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->frame.hover_a = self->frame.hover_b = -1;
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (w, motion);
  gtk_widget_set_has_tooltip (w, TRUE);
  g_signal_connect (w, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  gtk_widget_set_size_request (w, 240, 200);
  gtk_widget_set_hexpand (w, TRUE);
  gtk_widget_set_vexpand (w, TRUE);
  gtk_widget_add_css_class (w, "view");
  gtk_accessible_update_property (
      GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
      "Topology: replicas, links and messages in flight. Click a link to cut "
      "or heal it; drag a line across to partition.",
      -1);
}

GtkWidget *
mmr_topology_view_new (void)
{
  return g_object_new (MMR_TYPE_TOPOLOGY_VIEW, NULL);
}
