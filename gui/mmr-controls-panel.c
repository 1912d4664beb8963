/* mmr-controls-panel.c - the world's settings, changed while it runs
 *
 * The concept: a replication strategy is a choice, and so is the clock
 * that orders writes and the network it runs over. Changing one while the
 * world runs - switch LWW to siblings, make links lossy - and watching the
 * same scenario behave differently is how the trade-offs are learnt.
 *
 * Interface:
 *   mmr_controls_panel_new / _set_session
 *   strategy (lww, siblings, and the scenario's merge function if it
 *   named one) and clock source (GtkDropDown), latency min and max, loss and
 *   duplication (GtkSpinButton), reorder (GtkSwitch); granularity is shown
 *   but fixed: the world's registers are laid out by it when it starts.
 *
 * Invariants: a control only calls the session (set_strategy, set_clock,
 * set_link_model(-1, -1, ...)), which applies, traces and records the
 * change for replay. Controls are re-read from the world on "reset" and
 * "state-changed" (a scenario may change settings itself), and a control
 * set from the world never calls the session back (is_syncing).
 *
 * Taught in docs/conflicts.md (strategies), docs/clocks.md, docs/scenario-language.md (network settings).
 */
#include "mmr-controls-panel.h"

#include <math.h>

#include "mmr-template.h"

struct _MmrControlsPanel
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkDropDown *strategy_dropdown;
  GtkDropDown *clock_dropdown;
  GtkSpinButton *latency_min_spin;
  GtkSpinButton *latency_max_spin;
  GtkSpinButton *loss_spin;
  GtkSpinButton *duplicate_spin;
  GtkSwitch *reorder_switch;
  GtkLabel *granularity_label;

  /* owned */
  MmrSessionWatch watch;         /* the session followed, if any */
  gboolean is_syncing;
};

G_DEFINE_FINAL_TYPE (MmrControlsPanel, mmr_controls_panel, GTK_TYPE_WIDGET)

static MmrWorld *
world_of (MmrControlsPanel *self)
{
  return self->watch.session != NULL
         ? mmr_session_get_world (self->watch.session) : NULL;
}

/* ---- world -> widgets ---- */

static void
sync_dropdown (GtkDropDown *dropdown, guint value)
{
  if (gtk_drop_down_get_selected (dropdown) != value)
    gtk_drop_down_set_selected (dropdown, value);
}

static void
sync_spin (GtkSpinButton *spin, double value)
{
  if (fabs (gtk_spin_button_get_value (spin) - value) > 1e-9)
    gtk_spin_button_set_value (spin, value);
}

/* Strategy merge needs a merge function's name, which only a scenario
 * gives ("strategy merge NAME"); once the world has one, the dropdown
 * offers it as a third strategy, and switching back to it reuses it. */
static void
sync_merge_entry (MmrControlsPanel *self, const char *merge)
{
  GtkStringList *list = GTK_STRING_LIST (
      gtk_drop_down_get_model (self->strategy_dropdown));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_autofree char *label = merge != NULL
      ? g_strdup_printf ("Merge function (%s)", merge) : NULL;
  const char *const add[] = { label, NULL };

  if (n > MMR_STRATEGY_MERGE
      && g_strcmp0 (gtk_string_list_get_string (list, MMR_STRATEGY_MERGE),
                    label) == 0)
    return;
  gtk_string_list_splice (list, MMR_STRATEGY_MERGE,
                          n - MIN (n, MMR_STRATEGY_MERGE),
                          label != NULL ? add : NULL);
}

static void
sync_from_world (MmrControlsPanel *self)
{
  MmrWorld *world = world_of (self);
  const MmrWorldConfig *cfg;

  gtk_widget_set_sensitive (GTK_WIDGET (self), world != NULL);
  if (world == NULL)
    {
      gtk_label_set_text (self->granularity_label, "—");
      return;
    }
  cfg = mmr_world_get_config (world);
  self->is_syncing = TRUE;
  sync_merge_entry (self, cfg->merge);
  sync_dropdown (self->strategy_dropdown, cfg->strategy);
  sync_dropdown (self->clock_dropdown, cfg->clock);
  sync_spin (self->latency_min_spin, cfg->link.latency_min_us / 1000.0);
  sync_spin (self->latency_max_spin, cfg->link.latency_max_us / 1000.0);
  sync_spin (self->loss_spin, cfg->link.loss);
  sync_spin (self->duplicate_spin, cfg->link.duplicate);
  if (gtk_switch_get_active (self->reorder_switch) != cfg->link.reorder)
    gtk_switch_set_active (self->reorder_switch, cfg->link.reorder);
  gtk_label_set_text (self->granularity_label,
                      cfg->granularity == MMR_GRANULARITY_FIELD
                      ? "field: one register per field"
                      : "record: one register per record");
  self->is_syncing = FALSE;
}

/* ---- widgets -> session ---- */

static gboolean
may_apply (MmrControlsPanel *self)
{
  return !self->is_syncing && world_of (self) != NULL;
}

static void
strategy_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec,
                      MmrControlsPanel *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  (void) pspec;
  if (!may_apply (self) || selected == GTK_INVALID_LIST_POSITION
      || selected == mmr_world_get_config (world_of (self))->strategy)
    return;
  mmr_session_set_strategy (self->watch.session, (MmrStrategy) selected);
}

static void
clock_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec,
                   MmrControlsPanel *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  (void) pspec;
  if (!may_apply (self) || selected == GTK_INVALID_LIST_POSITION
      || selected == mmr_world_get_config (world_of (self))->clock)
    return;
  mmr_session_set_clock (self->watch.session, (MmrClockSource) selected);
}

static gboolean
link_model_equal (const MmrLinkModel *a, const MmrLinkModel *b)
{
  return a->latency_min_us == b->latency_min_us
         && a->latency_max_us == b->latency_max_us && a->loss == b->loss
         && a->duplicate == b->duplicate && !a->reorder == !b->reorder;
}

/* Every link control builds the whole model: the world's API sets a link
 * model at once, and a half-changed model is never traced. */
static void
apply_link_model (MmrControlsPanel *self, GtkWidget *control)
{
  MmrLinkModel model;

  if (!may_apply (self))
    return;
  model.latency_min_us = llround (
      gtk_spin_button_get_value (self->latency_min_spin) * 1000);
  model.latency_max_us = llround (
      gtk_spin_button_get_value (self->latency_max_spin) * 1000);
  model.loss = gtk_spin_button_get_value (self->loss_spin);
  model.duplicate = gtk_spin_button_get_value (self->duplicate_spin);
  model.reorder = gtk_switch_get_active (self->reorder_switch);
  /* Keep min <= max by moving the other bound, as the user expects. */
  if (model.latency_min_us > model.latency_max_us)
    {
      if (control == GTK_WIDGET (self->latency_max_spin))
        model.latency_min_us = model.latency_max_us;
      else
        model.latency_max_us = model.latency_min_us;
    }
  if (link_model_equal (&model, &mmr_world_get_config (world_of (self))->link))
    return;
  mmr_session_set_link_model (self->watch.session, -1, -1, &model);
  sync_from_world (self);
}

static void
link_spin_changed_cb (GtkSpinButton *spin, MmrControlsPanel *self)
{
  apply_link_model (self, GTK_WIDGET (spin));
}

static void
reorder_changed_cb (GtkSwitch *sw, GParamSpec *pspec, MmrControlsPanel *self)
{
  (void) pspec;
  apply_link_model (self, GTK_WIDGET (sw));
}

static void
reset_cb (MmrSession *session, MmrControlsPanel *self)
{
  (void) session;
  sync_from_world (self);
}

static void
state_changed_cb (MmrSession *session, MmrControlsPanel *self)
{
  (void) session;
  sync_from_world (self);
}

/* ---- GObject ---- */

static void
mmr_controls_panel_dispose (GObject *object)
{
  MmrControlsPanel *self = MMR_CONTROLS_PANEL (object);

  mmr_session_watch_clear (&self->watch);
  mmr_template_dispose (GTK_WIDGET (self), MMR_TYPE_CONTROLS_PANEL);
  G_OBJECT_CLASS (mmr_controls_panel_parent_class)->dispose (object);
}

static void
mmr_controls_panel_class_init (MmrControlsPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_controls_panel_dispose;
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/mmrlab/Inspector/mmr-controls-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MmrControlsPanel,
                                        strategy_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MmrControlsPanel,
                                        clock_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MmrControlsPanel,
                                        latency_min_spin);
  gtk_widget_class_bind_template_child (widget_class, MmrControlsPanel,
                                        latency_max_spin);
  gtk_widget_class_bind_template_child (widget_class, MmrControlsPanel,
                                        loss_spin);
  gtk_widget_class_bind_template_child (widget_class, MmrControlsPanel,
                                        duplicate_spin);
  gtk_widget_class_bind_template_child (widget_class, MmrControlsPanel,
                                        reorder_switch);
  gtk_widget_class_bind_template_child (widget_class, MmrControlsPanel,
                                        granularity_label);
  gtk_widget_class_bind_template_callback (widget_class, strategy_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, clock_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           link_spin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reorder_changed_cb);
  gtk_widget_class_set_accessible_role (widget_class,
                                        GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mmr_controls_panel_init (MmrControlsPanel *self)
{
  /* Signals fire while the template applies initial values. */
  self->is_syncing = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->is_syncing = FALSE;
  sync_from_world (self);
}

GtkWidget *
mmr_controls_panel_new (void)
{
  return g_object_new (MMR_TYPE_CONTROLS_PANEL, NULL);
}

void
mmr_controls_panel_set_session (MmrControlsPanel *self, MmrSession *session)
{
  g_return_if_fail (MMR_IS_CONTROLS_PANEL (self));
  g_return_if_fail (session == NULL || MMR_IS_SESSION (session));
  if (session == self->watch.session)
    return;
  mmr_session_watch_clear (&self->watch);
  mmr_session_watch_connect (&self->watch, session, G_CALLBACK (reset_cb),
                             G_CALLBACK (state_changed_cb), self);
  sync_from_world (self);
}
