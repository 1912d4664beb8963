/* mmr-clocks-panel.c - the three clocks of every replica, and their faults
 *
 * The concept: every replica carries a physical clock (virtual time plus
 * a skew and a drift), a Lamport counter and a hybrid logical clock
 * (core/clock.h). Last-writer-wins trusts whichever one the scenario
 * chose, so a skewed physical clock silently decides conflicts. This
 * panel shows the three readings side by side and lets the student skew
 * or drift any replica's physical clock while the world runs, then watch
 * LWW pick the "wrong" winner while the HLC keeps causality.
 *
 * Interface:
 *   mmr_clocks_panel_new / _set_session
 *   _get_skew_control, _get_drift_control   for tests and focus
 *
 * Invariants: controls only call the session (mmr_session_set_skew,
 * mmr_session_set_drift), which applies, traces and records the change;
 * the controls are then re-read from the world, never the other way
 * round, and updating a control from the world never calls the session.
 *
 * Taught in docs/clocks.md and labs 03 and 04.
 */
#include "mmr-clocks-panel.h"

#include <math.h>
#include <string.h>

#include "core/duration.h"
#include "mmr-swatch.h"
#include "mmr-template.h"

#define SKEW_RANGE_S 10.0
#define DRIFT_RANGE_PPM 10000

typedef struct {
  GtkWidget *physical, *lamport, *hlc, *skew_text, *skew, *drift;
  gulong skew_id, drift_id;
} ClockRow;

struct _MmrClocksPanel
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkGrid *grid;

  /* owned */
  MmrSessionWatch watch;         /* the session followed, if any */
  guint n_rows;
  ClockRow rows[MMR_MAX_REPLICAS];
};

G_DEFINE_FINAL_TYPE (MmrClocksPanel, mmr_clocks_panel, GTK_TYPE_WIDGET)

static MmrWorld *
world_of (MmrClocksPanel *self)
{
  return self->watch.session != NULL
         ? mmr_session_get_world (self->watch.session) : NULL;
}

/* ---- controls -> session ---- */

static guint
row_index (MmrClocksPanel *self, GtkWidget *control)
{
  for (guint r = 0; r < self->n_rows; r++)
    if (self->rows[r].skew == control || self->rows[r].drift == control)
      return r;
  g_return_val_if_reached (0);
}

static void
skew_changed_cb (GtkRange *range, MmrClocksPanel *self)
{
  guint r = row_index (self, GTK_WIDGET (range));
  gint64 offset_us = (gint64) llround (gtk_range_get_value (range) * 1e6);
  MmrWorld *world = world_of (self);

  if (world == NULL
      || mmr_world_get_physical_clock (world, r)->offset_us == offset_us)
    return;
  mmr_session_set_skew (self->watch.session, r, offset_us);
}

static void
drift_changed_cb (GtkSpinButton *spin, MmrClocksPanel *self)
{
  guint r = row_index (self, GTK_WIDGET (spin));
  gint32 drift_ppm = (gint32) gtk_spin_button_get_value_as_int (spin);
  MmrWorld *world = world_of (self);

  if (world == NULL
      || mmr_world_get_physical_clock (world, r)->drift_ppm == drift_ppm)
    return;
  mmr_session_set_drift (self->watch.session, r, drift_ppm);
}

/* ---- building the grid ---- */



static GtkWidget *
value_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "mmr-numeric");
  return label;
}

static void
attach_headings (GtkGrid *grid)
{
  static const char *const titles[] = {
    "Replica", "Physical", "Lamport", "HLC (l · c)", "Skew", "Set skew",
    "Drift (ppm)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkWidget *label = gtk_label_new (titles[i]);

      gtk_label_set_xalign (GTK_LABEL (label), i == 0 ? 0 : 1);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (grid, label, (int) i, 0, 1, 1);
    }
}

static void
label_control (GtkWidget *control, const char *what, const char *name)
{
  g_autofree char *label = g_strdup_printf ("%s of replica %s", what, name);

  gtk_accessible_update_property (GTK_ACCESSIBLE (control),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (control, label);
}

static void
build_row (MmrClocksPanel *self, MmrWorld *world, guint r)
{
  ClockRow *row = &self->rows[r];
  const char *name = mmr_world_replica_name (world, r);
  int y = (int) r + 1;

  row->physical = value_label ();
  row->lamport = value_label ();
  row->hlc = value_label ();
  row->skew_text = value_label ();
  row->skew = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL,
                                        -SKEW_RANGE_S, SKEW_RANGE_S, 0.1);
  gtk_range_set_round_digits (GTK_RANGE (row->skew), 1);
  gtk_scale_add_mark (GTK_SCALE (row->skew), 0, GTK_POS_BOTTOM, NULL);
  gtk_widget_set_size_request (row->skew, 160, -1);
  gtk_widget_set_hexpand (row->skew, TRUE);
  label_control (row->skew, "Clock skew in seconds", name);
  row->drift = gtk_spin_button_new_with_range (-DRIFT_RANGE_PPM,
                                               DRIFT_RANGE_PPM, 10);
  label_control (row->drift, "Clock drift in parts per million", name);
  gtk_grid_attach (self->grid,
                   mmr_swatch_label_new (r, mmr_world_replica_name (world, r)),
                   0, y, 1, 1);
  gtk_grid_attach (self->grid, row->physical, 1, y, 1, 1);
  gtk_grid_attach (self->grid, row->lamport, 2, y, 1, 1);
  gtk_grid_attach (self->grid, row->hlc, 3, y, 1, 1);
  gtk_grid_attach (self->grid, row->skew_text, 4, y, 1, 1);
  gtk_grid_attach (self->grid, row->skew, 5, y, 1, 1);
  gtk_grid_attach (self->grid, row->drift, 6, y, 1, 1);
  row->skew_id = g_signal_connect (row->skew, "value-changed",
                                   G_CALLBACK (skew_changed_cb), self);
  row->drift_id = g_signal_connect (row->drift, "value-changed",
                                    G_CALLBACK (drift_changed_cb), self);
}

static void
clear_grid (MmrClocksPanel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))))
    gtk_grid_remove (self->grid, child);
  memset (self->rows, 0, sizeof self->rows);
  self->n_rows = 0;
}

/* ---- world -> widgets ---- */

/* Seconds with microsecond digits: the unit the clocks tick in. */
static char *
format_seconds (gint64 us)
{
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT " s",
                          us < 0 ? "-" : "", ABS (us) / G_USEC_PER_SEC,
                          ABS (us) % G_USEC_PER_SEC);
}

/* A scenario may skew further than the slider's default range: widen it
 * so the slider shows the truth instead of clamping it. */
static void
widen_to (GtkAdjustment *adj, double value)
{
  if (value > gtk_adjustment_get_upper (adj))
    gtk_adjustment_set_upper (adj, ceil (value));
  if (value < gtk_adjustment_get_lower (adj))
    gtk_adjustment_set_lower (adj, floor (value));
}

static void
update_row (MmrClocksPanel *self, MmrWorld *world, guint r)
{
  ClockRow *row = &self->rows[r];
  const MmrPhysicalClock *pc = mmr_world_get_physical_clock (world, r);
  gint64 physical_us;
  guint64 lamport;
  MmrHlc hlc;
  g_autofree char *phys = NULL, *lam = NULL, *hl = NULL, *hl_l = NULL;
  g_autofree char *skew = mmr_duration_format (pc->offset_us);
  g_autofree char *skew_text = NULL;

  mmr_world_get_clocks (world, r, &physical_us, &lamport, &hlc);
  phys = format_seconds (physical_us);
  lam = g_strdup_printf ("%" G_GUINT64_FORMAT, lamport);
  hl_l = format_seconds (hlc.l);
  hl = g_strdup_printf ("%s · %u", hl_l, hlc.c);
  skew_text = g_strdup_printf ("%s%s, %+d ppm", pc->offset_us > 0 ? "+" : "",
                               skew, pc->drift_ppm);
  gtk_label_set_text (GTK_LABEL (row->physical), phys);
  gtk_label_set_text (GTK_LABEL (row->lamport), lam);
  gtk_label_set_text (GTK_LABEL (row->hlc), hl);
  gtk_label_set_text (GTK_LABEL (row->skew_text), skew_text);
  g_signal_handler_block (row->skew, row->skew_id);
  widen_to (gtk_range_get_adjustment (GTK_RANGE (row->skew)),
            pc->offset_us / 1e6);
  if (llround (gtk_range_get_value (GTK_RANGE (row->skew)) * 1e6)
      != pc->offset_us)
    gtk_range_set_value (GTK_RANGE (row->skew), pc->offset_us / 1e6);
  g_signal_handler_unblock (row->skew, row->skew_id);
  g_signal_handler_block (row->drift, row->drift_id);
  if (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (row->drift))
      != pc->drift_ppm)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (row->drift), pc->drift_ppm);
  g_signal_handler_unblock (row->drift, row->drift_id);
}

static void
state_changed_cb (MmrSession *session, MmrClocksPanel *self)
{
  MmrWorld *world = mmr_session_get_world (session);

  if (world == NULL || mmr_world_n_replicas (world) != self->n_rows)
    return;
  for (guint r = 0; r < self->n_rows; r++)
    update_row (self, world, r);
}

static void
reset_cb (MmrSession *session, MmrClocksPanel *self)
{
  MmrWorld *world = session != NULL ? mmr_session_get_world (session) : NULL;

  clear_grid (self);
  if (world == NULL)
    return;
  attach_headings (self->grid);
  self->n_rows = mmr_world_n_replicas (world);
  for (guint r = 0; r < self->n_rows; r++)
    build_row (self, world, r);
  state_changed_cb (session, self);
}

/* ---- GObject ---- */

static void
mmr_clocks_panel_dispose (GObject *object)
{
  MmrClocksPanel *self = MMR_CLOCKS_PANEL (object);

  mmr_session_watch_clear (&self->watch);
  mmr_template_dispose (GTK_WIDGET (self), MMR_TYPE_CLOCKS_PANEL);
  self->n_rows = 0;
  G_OBJECT_CLASS (mmr_clocks_panel_parent_class)->dispose (object);
}

static void
mmr_clocks_panel_class_init (MmrClocksPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_clocks_panel_dispose;
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/mmrlab/Inspector/mmr-clocks-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MmrClocksPanel, grid);
  gtk_widget_class_set_accessible_role (widget_class,
                                        GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mmr_clocks_panel_init (MmrClocksPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mmr_clocks_panel_new (void)
{
  return g_object_new (MMR_TYPE_CLOCKS_PANEL, NULL);
}

void
mmr_clocks_panel_set_session (MmrClocksPanel *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_CLOCKS_PANEL (self));
  g_return_if_fail (session == NULL || MMR_IS_SESSION (session));
  if (session == self->watch.session)
    return;
  mmr_session_watch_clear (&self->watch);
  mmr_session_watch_connect (&self->watch, session, G_CALLBACK (reset_cb),
                             G_CALLBACK (state_changed_cb), self);
  reset_cb (session, self);
}

GtkWidget *
mmr_clocks_panel_get_skew_control (MmrClocksPanel *self, guint replica)
{
  g_return_val_if_fail (MMR_IS_CLOCKS_PANEL (self), NULL);
  return replica < self->n_rows ? self->rows[replica].skew : NULL;
}

GtkWidget *
mmr_clocks_panel_get_drift_control (MmrClocksPanel *self, guint replica)
{
  g_return_val_if_fail (MMR_IS_CLOCKS_PANEL (self), NULL);
  return replica < self->n_rows ? self->rows[replica].drift : NULL;
}
