/* mmr-metrics-panel.c - the cost of replication, and the time to agree
 *
 * The concept: multi-master replication trades messages, bytes and
 * metadata for availability, and pays for it in conflicts and in time
 * spent diverged. This panel puts numbers on it (mmr_world_get_metrics):
 * messages and bytes per logical write, the share of them that is
 * metadata (version vectors, dots, timestamps), conflicts, and the time
 * from the last heal to the last state change once the replicas agree.
 * A small plot follows two curves over virtual time: conflicts so far and
 * keys on which replicas disagree.
 *
 * Interface:
 *   mmr_metrics_panel_new / _set_session / _set_sample_interval
 *   _get_n_samples, _get_diverging   for tests
 *
 * Invariants: diverging keys are counted with the rule of
 * mmr_check_convergence (replicas' visible values differ, absent counts
 * as a value) but incrementally, by an MmrStateModel that re-reads only
 * the replicas whose registers changed: the checker compares every key
 * with every other (6.5 s for 10,000 keys). Even so a sample reads views,
 * so it is taken at most every sample_every events, and sample_every
 * doubles while one sample costs more than a few milliseconds. A final
 * sample is always taken once the world is quiescent, so the curves end
 * on the truth. The wall clock is used for that budget only.
 *
 * Taught in docs/architecture.md (metrics) and lab 10.
 */
#include "mmr-metrics-panel.h"

#include "core/duration.h"
#include "mmr-state-model.h"

#define DEFAULT_SAMPLE_EVERY 16
#define MAX_SAMPLE_EVERY 4096
#define SAMPLE_BUDGET_US 4000     /* per sample, before sampling less often */

typedef struct {
  gint64 time_us;
  guint64 conflicts;
  guint diverging;
} Sample;

enum {
  M_WRITES, M_MESSAGES, M_BYTES, M_METADATA, M_FATE, M_CONFLICTS,
  M_DIVERGING, M_CONVERGE, N_METRICS
};

static const char *const metric_titles[N_METRICS] = {
  "Logical writes", "Messages per write", "Bytes per write",
  "Metadata bytes per write", "Delivered / dropped / duplicated",
  "Conflicts", "Diverging keys", "Time to converge after heal",
};

struct _MmrMetricsPanel
{
  GtkWidget parent_instance;

  /* children */
  GtkWidget *grid;
  GtkWidget *values[N_METRICS];
  GtkWidget *plot;
  GtkWidget *legend;

  /* owned */
  MmrSessionWatch watch;         /* the session followed, if any */
  MmrStateModel *divergence;  /* the replicas' visible state, kept current */
  GArray *samples;            /* Sample, in time order */
  guint sample_every;         /* as set */
  guint adaptive_every;       /* >= sample_every, raised when slow */
  guint64 last_sample_events;
};

G_DEFINE_FINAL_TYPE (MmrMetricsPanel, mmr_metrics_panel, GTK_TYPE_WIDGET)

/* ---- sampling ---- */

static guint
count_diverging (MmrMetricsPanel *self)
{
  mmr_state_model_update (self->divergence);
  return mmr_state_model_get_n_differing (self->divergence);
}

static void
take_sample (MmrMetricsPanel *self, MmrWorld *world)
{
  gint64 started = g_get_monotonic_time ();
  Sample s;

  s.time_us = mmr_world_now (world);
  s.conflicts = mmr_world_get_metrics (world)->conflicts;
  s.diverging = count_diverging (self);
  /* Same virtual instant: the newer reading replaces the older one. */
  if (self->samples->len > 0
      && g_array_index (self->samples, Sample, self->samples->len - 1).time_us
         == s.time_us)
    g_array_index (self->samples, Sample, self->samples->len - 1) = s;
  else
    g_array_append_val (self->samples, s);
  self->last_sample_events = mmr_world_n_events (world);
  if (g_get_monotonic_time () - started > SAMPLE_BUDGET_US)
    self->adaptive_every = MIN (self->adaptive_every * 2, MAX_SAMPLE_EVERY);
  gtk_widget_queue_draw (self->plot);
}

static gboolean
wants_sample (MmrMetricsPanel *self, MmrWorld *world)
{
  guint64 n = mmr_world_n_events (world);

  if (self->samples->len == 0)
    return TRUE;
  if (n == self->last_sample_events)
    return FALSE;
  return n - self->last_sample_events >= self->adaptive_every
         || mmr_world_is_quiescent (world);
}

/* ---- numbers ---- */

static char *
per_write (guint64 total, guint64 writes)
{
  if (writes == 0)
    return g_strdup ("— (no writes yet)");
  return g_strdup_printf ("%.1f  (%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT
                          ")", (double) total / (double) writes, total,
                          writes);
}

/* The same figure as the report's: from the heal to the moment the
 * replicas came to agree (the runner's convergence watch), not to the
 * last change, which may be one no reader can see. */
static char *
converge_text (MmrMetricsPanel *self, MmrWorld *world, guint diverging)
{
  const MmrMetrics *m = mmr_world_get_metrics (world);
  MmrRunner *runner = self->watch.session != NULL
                      ? mmr_session_get_runner (self->watch.session) : NULL;
  gint64 since = runner != NULL && mmr_runner_get_world (runner) == world
                 ? mmr_convergence_watch_since_us (
                       mmr_runner_get_convergence_watch (runner))
                 : -1;
  g_autofree char *heal = NULL;
  g_autofree char *took = NULL;

  if (m->last_heal_us < 0)
    return g_strdup ("— (no heal yet)");
  heal = mmr_duration_format (m->last_heal_us);
  if (diverging > 0 || since < 0 || !mmr_world_is_quiescent (world))
    return g_strdup_printf ("converging… (healed at %s)", heal);
  took = mmr_duration_format (MAX (0, since - m->last_heal_us));
  return g_strdup_printf ("%s (healed at %s)", took, heal);
}

static void
set_value (MmrMetricsPanel *self, guint metric, char *text)
{
  gtk_label_set_text (GTK_LABEL (self->values[metric]), text);
  g_free (text);
}

static void
update_numbers (MmrMetricsPanel *self, MmrWorld *world)
{
  const MmrMetrics *m = mmr_world_get_metrics (world);
  guint diverging = self->samples->len > 0
      ? g_array_index (self->samples, Sample, self->samples->len - 1).diverging
      : 0;

  set_value (self, M_WRITES, g_strdup_printf ("%" G_GUINT64_FORMAT,
                                              m->writes));
  set_value (self, M_MESSAGES, per_write (m->messages, m->writes));
  set_value (self, M_BYTES, per_write (m->bytes, m->writes));
  set_value (self, M_METADATA, per_write (m->metadata_bytes, m->writes));
  set_value (self, M_FATE, g_strdup_printf ("%" G_GUINT64_FORMAT " / %"
                                            G_GUINT64_FORMAT " / %"
                                            G_GUINT64_FORMAT, m->delivered,
                                            m->dropped, m->duplicated));
  set_value (self, M_CONFLICTS, g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                 m->conflicts));
  set_value (self, M_DIVERGING,
             g_strdup_printf ("%u%s", diverging,
                              diverging == 0 ? " (replicas agree)" : ""));
  set_value (self, M_CONVERGE, converge_text (self, world, diverging));
}

static void
clear_numbers (MmrMetricsPanel *self)
{
  for (guint i = 0; i < N_METRICS; i++)
    gtk_label_set_text (GTK_LABEL (self->values[i]), "—");
}

/* ---- the plot ---- */

typedef struct {
  double x0, y0, w, h;        /* plot area */
  gint64 t_max;
  double left_max, right_max; /* conflicts, diverging */
} Frame;

static double
frame_x (const Frame *f, gint64 t)
{
  return f->x0 + (f->t_max > 0 ? (double) t / (double) f->t_max : 0) * f->w;
}

static double
frame_y (const Frame *f, double v, double max)
{
  return f->y0 + f->h - (max > 0 ? v / max : 0) * f->h;
}

static void
draw_text (GtkWidget *widget, cairo_t *cr, double x, double y,
           const char *text, gboolean right_aligned)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, right_aligned ? x - w : x, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_series (cairo_t *cr, const Frame *f, GArray *samples, gboolean left)
{
  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *s = &g_array_index (samples, Sample, i);
      double v = left ? (double) s->conflicts : (double) s->diverging;
      double x = frame_x (f, s->time_us);
      double y = frame_y (f, v, left ? f->left_max : f->right_max);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);   /* a step: values hold until sampled */
      if (i + 1 < samples->len)
        cairo_line_to (cr, frame_x (f, g_array_index (samples, Sample,
                                                      i + 1).time_us), y);
    }
}

static void
plot_draw (GtkDrawingArea *area, cairo_t *cr, int width, int height,
           gpointer data)
{
  MmrMetricsPanel *self = data;
  GtkWidget *widget = GTK_WIDGET (area);
  GdkRGBA fg;
  Frame f = { 40, 8, width - 80.0, height - 28.0, 1, 1, 1 };
  g_autofree char *lmax = NULL, *rmax = NULL, *tmax = NULL;
  static const double dash[] = { 5, 3 };

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  for (guint i = 0; i < self->samples->len; i++)
    {
      const Sample *s = &g_array_index (self->samples, Sample, i);

      f.t_max = MAX (f.t_max, s->time_us);
      f.left_max = MAX (f.left_max, (double) s->conflicts);
      f.right_max = MAX (f.right_max, (double) s->diverging);
    }
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
  cairo_rectangle (cr, f.x0 + 0.5, f.y0 + 0.5, f.w, f.h);
  cairo_stroke (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
  lmax = g_strdup_printf ("%.0f", f.left_max);
  rmax = g_strdup_printf ("%.0f", f.right_max);
  tmax = mmr_duration_format (f.t_max);
  draw_text (widget, cr, f.x0 - 4, f.y0, lmax, TRUE);
  draw_text (widget, cr, f.x0 - 4, f.y0 + f.h, "0", TRUE);
  draw_text (widget, cr, f.x0 + f.w + 4, f.y0, rmax, FALSE);
  draw_text (widget, cr, f.x0 + f.w + 4, f.y0 + f.h, "0", FALSE);
  draw_text (widget, cr, f.x0 + f.w, f.y0 + f.h + 10, tmax, TRUE);
  if (self->samples->len == 0)
    return;
  /* Diverging keys: dashed, over a light fill; conflicts: solid. The
   * legend names both, so neither depends on telling colours apart. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  draw_series (cr, &f, self->samples, FALSE);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, 2.5);
  draw_series (cr, &f, self->samples, TRUE);
  cairo_stroke (cr);
}

/* ---- session ---- */

static void reset_cb (MmrSession *session, MmrMetricsPanel *self);

static void
state_changed_cb (MmrSession *session, MmrMetricsPanel *self)
{
  MmrWorld *world = mmr_session_get_world (session);

  if (world != mmr_state_model_get_world (self->divergence))
    {
      reset_cb (session, self);
      return;
    }
  if (world == NULL)
    return;
  if (wants_sample (self, world))
    take_sample (self, world);
  update_numbers (self, world);
}

static void
reset_cb (MmrSession *session, MmrMetricsPanel *self)
{
  /* The previous world is gone: forget it without touching it. */
  mmr_state_model_attach (self->divergence,
                          session != NULL ? mmr_session_get_world (session)
                                          : NULL);
  g_array_set_size (self->samples, 0);
  self->adaptive_every = self->sample_every;
  self->last_sample_events = 0;
  clear_numbers (self);
  gtk_widget_queue_draw (self->plot);
  if (session != NULL)
    state_changed_cb (session, self);
}

/* ---- GObject ---- */

static void
disconnect_session (MmrMetricsPanel *self)
{
  if (self->watch.session == NULL)
    return;
  /* Only a world that is still the session's is alive to forget us. */
  if (mmr_state_model_get_world (self->divergence)
      == mmr_session_get_world (self->watch.session))
    mmr_state_model_detach (self->divergence);
  mmr_state_model_attach (self->divergence, NULL);
  mmr_session_watch_clear (&self->watch);
}

static void
mmr_metrics_panel_dispose (GObject *object)
{
  MmrMetricsPanel *self = MMR_METRICS_PANEL (object);
  GtkWidget *child;

  disconnect_session (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->samples, g_array_unref);
  g_clear_object (&self->divergence);
  G_OBJECT_CLASS (mmr_metrics_panel_parent_class)->dispose (object);
}

static void
mmr_metrics_panel_class_init (MmrMetricsPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_metrics_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class,
                                        GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
build_grid (MmrMetricsPanel *self)
{
  self->grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 2);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 12);
  for (guint i = 0; i < N_METRICS; i++)
    {
      GtkWidget *title = gtk_label_new (metric_titles[i]);

      self->values[i] = gtk_label_new ("—");
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_xalign (GTK_LABEL (self->values[i]), 0);
      gtk_widget_add_css_class (title, "dim-label");
      gtk_widget_add_css_class (self->values[i], "mmr-numeric");
      gtk_label_set_selectable (GTK_LABEL (self->values[i]), FALSE);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (self->values[i]),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      title, NULL, -1);
      gtk_grid_attach (GTK_GRID (self->grid), title, 0, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (self->grid), self->values[i], 1, (int) i, 1,
                       1);
    }
}

static void
mmr_metrics_panel_init (MmrMetricsPanel *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget));
  GtkWidget *heading = gtk_label_new ("Metrics");

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (layout, 6);
  self->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  self->divergence = mmr_state_model_new ();
  self->sample_every = self->adaptive_every = DEFAULT_SAMPLE_EVERY;
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  build_grid (self);
  self->plot = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->plot), 140);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->plot), plot_draw,
                                  self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->plot),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Plot of conflicts and diverging keys over "
                                  "virtual time", -1);
  self->legend = gtk_label_new ("━━ conflicts so far (left axis)    "
                                "╍╍ keys on which replicas disagree "
                                "(right axis)");
  gtk_label_set_wrap (GTK_LABEL (self->legend), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->legend), 0);
  gtk_widget_add_css_class (self->legend, "caption");
  gtk_widget_set_parent (heading, widget);
  gtk_widget_set_parent (self->grid, widget);
  gtk_widget_set_parent (self->plot, widget);
  gtk_widget_set_parent (self->legend, widget);
  gtk_widget_set_margin_start (widget, 8);
  gtk_widget_set_margin_end (widget, 8);
  gtk_widget_set_margin_top (widget, 6);
  gtk_widget_set_margin_bottom (widget, 6);
}

GtkWidget *
mmr_metrics_panel_new (void)
{
  return g_object_new (MMR_TYPE_METRICS_PANEL, NULL);
}

void
mmr_metrics_panel_set_session (MmrMetricsPanel *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_METRICS_PANEL (self));
  g_return_if_fail (session == NULL || MMR_IS_SESSION (session));
  if (session == self->watch.session)
    return;
  disconnect_session (self);
  mmr_session_watch_connect (&self->watch, session, G_CALLBACK (reset_cb),
                             G_CALLBACK (state_changed_cb), self);
  reset_cb (session, self);
}

void
mmr_metrics_panel_set_sample_interval (MmrMetricsPanel *self, guint n_events)
{
  g_return_if_fail (MMR_IS_METRICS_PANEL (self));
  self->sample_every = MAX (n_events, 1);
  self->adaptive_every = self->sample_every;
}

guint
mmr_metrics_panel_get_n_samples (MmrMetricsPanel *self)
{
  g_return_val_if_fail (MMR_IS_METRICS_PANEL (self), 0);
  return self->samples->len;
}

guint
mmr_metrics_panel_get_diverging (MmrMetricsPanel *self)
{
  g_return_val_if_fail (MMR_IS_METRICS_PANEL (self), 0);
  if (self->samples->len == 0)
    return 0;
  return g_array_index (self->samples, Sample, self->samples->len - 1).diverging;
}
