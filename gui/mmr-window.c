/* mmr-window.c - the inspector's main window: layout, session, status
 *
 * Concept: one window watches one MmrSession. The window creates the
 * session and hands it to every view and panel; they redraw on its
 * signals. The window itself only keeps the header bar and the status
 * bar in step with the session, and forwards the panels' selections
 * (a key to the version-vector view, a conflict to the diagram).
 *
 * Interface: mmr_window_new, mmr_window_open, and getters for tests.
 * The actions live in mmr-window-actions.c.
 *
 * Invariants: the status bar always says in words whether the replicas
 * have converged (colour only repeats it). Checking convergence reads
 * every key of every replica, so while playing it runs at most four times
 * a second; when paused it runs after every change.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-window-private.h"

#include "mmr-clocks-panel.h"
#include "mmr-conflicts-panel.h"
#include "mmr-controls-panel.h"
#include "mmr-lab-panel.h"
#include "mmr-metrics-panel.h"
#include "mmr-state-table.h"
#include "mmr-vv-view.h"
#include "core/duration.h"
#include "lab/lab.h"

#define CHECK_INTERVAL_US 250000

G_DEFINE_FINAL_TYPE (MmrWindow, mmr_window, GTK_TYPE_APPLICATION_WINDOW)

static const double speeds[] = { 0.001, 0.005, 0.02, 0.1, 1.0, 0.0 };
#define DEFAULT_SPEED_INDEX 2

/* ---- status bar ---- */

static void
set_convergence (MmrWindow *self, const char *text, const char *css_class)
{
  GtkWidget *label = GTK_WIDGET (self->convergence_label);

  g_free (self->status_text);
  self->status_text = g_strdup (text);
  gtk_label_set_text (self->convergence_label, text);
  gtk_widget_remove_css_class (label, "status-converged");
  gtk_widget_remove_css_class (label, "status-diverging");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
}

static void
check_convergence (MmrWindow *self)
{
  g_autofree char *text = NULL;
  guint n;

  self->last_check_us = g_get_monotonic_time ();
  if (mmr_session_get_world (self->session) == NULL)
    {
      set_convergence (self, "No scenario", NULL);
      return;
    }
  n = mmr_session_count_diverging (self->session);
  if (n == 0)
    {
      set_convergence (self, "\u2714 Converged", "status-converged");
      return;
    }
  text = g_strdup_printf ("\u2716 Diverging: %u %s", n,
                          n == 1 ? "key differs" : "keys differ");
  set_convergence (self, text, "status-diverging");
}

static gboolean
check_later_cb (gpointer user_data)
{
  MmrWindow *self = user_data;

  self->check_source = 0;
  check_convergence (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_check (MmrWindow *self)
{
  gint64 since = g_get_monotonic_time () - self->last_check_us;

  if (!mmr_session_get_playing (self->session) || since >= CHECK_INTERVAL_US)
    {
      g_clear_handle_id (&self->check_source, g_source_remove);
      check_convergence (self);
    }
  else if (self->check_source == 0)
    self->check_source = g_timeout_add (
        (guint) ((CHECK_INTERVAL_US - since) / 1000) + 1, check_later_cb, self);
}

static char *
describe_progress (MmrSession *session)
{
  MmrRunner *runner = mmr_session_get_runner (session);
  const MmrCommand *c;

  if (mmr_session_get_error (session) != NULL)
    return g_strdup_printf ("Stopped: %s",
                            mmr_session_get_error (session)->message);
  if (mmr_session_is_done (session))
    {
      GPtrArray *ex = mmr_runner_get_expectations (runner);
      guint failed = mmr_runner_n_failed (runner);

      if (ex->len == 0)
        return g_strdup ("Finished");
      return g_strdup_printf ("Finished: %u of %u expectations hold%s",
                              ex->len - failed, ex->len,
                              failed > 0 ? " (see the conflicts panel)" : "");
    }
  c = mmr_runner_current_command (runner);
  return c != NULL ? g_strdup_printf ("Line %u: %s", c->line, c->text)
                   : g_strdup ("");
}

static void
update_status (MmrWindow *self)
{
  g_autofree char *t = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *events = NULL;
  g_autofree char *progress = NULL;
  guint n;

  if (mmr_session_get_world (self->session) == NULL)
    return;
  t = mmr_duration_format (mmr_session_get_display_time (self->session));
  time_text = g_strdup_printf ("Virtual time %s", t);
  n = mmr_session_get_n_events (self->session);
  events = g_strdup_printf (n == 1 ? "%u event" : "%u events", n);
  progress = describe_progress (self->session);
  gtk_label_set_text (self->time_label, time_text);
  gtk_label_set_text (self->events_label, events);
  gtk_label_set_text (self->command_label, progress);
  schedule_check (self);
}

static void
update_titles (MmrWindow *self)
{
  const MmrScript *script = mmr_session_get_script (self->session);
  g_autofree char *base = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  static const char *const clocks[] = { "physical clocks", "Lamport clocks",
                                        "hybrid logical clocks" };

  if (script == NULL)
    return;
  base = g_path_get_basename (mmr_session_get_filename (self->session));
  title = g_strdup_printf ("%s \u2014 Multi-Master Lab Inspector", base);
  subtitle = g_strdup_printf (
      "%u replicas \u00B7 %s \u00B7 %s \u00B7 %s granularity",
      script->config.n_replicas,
      script->config.strategy == MMR_STRATEGY_LWW ? "last writer wins"
                                                  : "siblings",
      clocks[script->config.clock],
      script->config.granularity == MMR_GRANULARITY_FIELD ? "field"
                                                          : "record");
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (self->title_label, base);
  gtk_label_set_text (self->subtitle_label, subtitle);
}

/* ---- session signals ---- */

static void
session_reset_cb (MmrSession *session, MmrWindow *self)
{
  (void) session;
  update_titles (self);
  mmr_window_update_actions (self);
}

static void
session_state_cb (MmrSession *session, MmrWindow *self)
{
  (void) session;
  update_status (self);
  mmr_window_update_actions (self);
}

static void
playing_cb (MmrSession *session, GParamSpec *pspec, MmrWindow *self)
{
  gboolean playing = mmr_session_get_playing (session);

  (void) pspec;
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            playing ? "media-playback-pause-symbolic"
                                    : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               playing ? "Pause (Space)" : "Play (Space)");
  if (playing)
    mmr_diagram_view_set_follow (self->diagram, TRUE);
  mmr_window_update_actions (self);
}

static void
seed_cb (MmrSession *session, GParamSpec *pspec, MmrWindow *self)
{
  (void) pspec;
  self->updating_seed = TRUE;
  gtk_spin_button_set_value (self->seed_spin,
                             (double) mmr_session_get_seed (session));
  self->updating_seed = FALSE;
}

static void
seed_changed_cb (GtkSpinButton *spin, MmrWindow *self)
{
  guint64 seed = (guint64) gtk_spin_button_get_value (spin);

  if (self->updating_seed || mmr_session_get_script (self->session) == NULL
      || seed == mmr_session_get_seed (self->session))
    return;
  mmr_session_set_seed (self->session, seed);
}

static void
speed_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, MmrWindow *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  (void) pspec;
  if (i < G_N_ELEMENTS (speeds))
    mmr_session_set_speed (self->session, speeds[i]);
}

/* ---- panels ---- */

static void
key_selected_cb (GtkWidget *table, const char *name, MmrWindow *self)
{
  (void) table;
  mmr_vv_view_set_key (MMR_VV_VIEW (self->vv_view), name);
}

static void
conflict_selected_cb (GtkWidget *panel, guint index, MmrWindow *self)
{
  (void) panel;
  mmr_diagram_view_highlight_event (self->diagram, index);
}

/* Every page may scroll sideways, so the panels never force the drawing
 * views narrower than the pane's position; pages with their own vertical
 * scrolling (a list of keys, of conflicts) keep it, so their rows stay
 * virtualized. */
static void
add_page (MmrWindow *self, GtkWidget *child, const char *title,
          gboolean scrolls_itself)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_AUTOMATIC,
                                  scrolls_itself ? GTK_POLICY_NEVER
                                                 : GTK_POLICY_AUTOMATIC);
  gtk_notebook_append_page (self->panels, scroller, gtk_label_new (title));
}

/* The lab panel's tab is shown only while a lab folder is open. The
 * panel is kept as object data, to leave the window's fields alone. */
#define LAB_PANEL_KEY "mmr-lab-panel"

static void
build_lab_page (MmrWindow *self)
{
  GtkWidget *lab_panel = mmr_lab_panel_new ();

  mmr_lab_panel_set_session (MMR_LAB_PANEL (lab_panel), self->session);
  add_page (self, lab_panel, "Lab", FALSE);
  g_object_set_data (G_OBJECT (self), LAB_PANEL_KEY, lab_panel);
  gtk_widget_set_visible (
      gtk_notebook_get_nth_page (self->panels, -1), FALSE);
}

/* Opens @path as a lab when it is a folder with a lab file. */
static gboolean
open_lab (MmrWindow *self, const char *path, gboolean *is_lab,
          GError **error)
{
  MmrLabPanel *lab_panel = g_object_get_data (G_OBJECT (self), LAB_PANEL_KEY);
  g_autofree char *lab_file = g_build_filename (path, MMR_LAB_FILE,
                                                NULL);
  GtkWidget *page = gtk_notebook_get_nth_page (self->panels, -1);

  *is_lab = g_file_test (lab_file, G_FILE_TEST_IS_REGULAR);
  if (!*is_lab)
    {
      gtk_widget_set_visible (page, FALSE);
      return FALSE;
    }
  if (!mmr_lab_panel_load (lab_panel, path, error))
    return FALSE;
  gtk_widget_set_visible (page, TRUE);
  gtk_notebook_set_current_page (self->panels, -1);
  return TRUE;
}

static void
build_panels (MmrWindow *self)
{
  GtkWidget *state_page = gtk_paned_new (GTK_ORIENTATION_VERTICAL);

  self->state_table = mmr_state_table_new ();
  self->vv_view = mmr_vv_view_new ();
  self->conflicts_panel = mmr_conflicts_panel_new ();
  self->clocks_panel = mmr_clocks_panel_new ();
  self->metrics_panel = mmr_metrics_panel_new ();
  self->controls_panel = mmr_controls_panel_new ();

  mmr_state_table_set_session (MMR_STATE_TABLE (self->state_table), self->session);
  mmr_vv_view_set_session (MMR_VV_VIEW (self->vv_view), self->session);
  mmr_conflicts_panel_set_session (MMR_CONFLICTS_PANEL (self->conflicts_panel),
                                   self->session);
  mmr_clocks_panel_set_session (MMR_CLOCKS_PANEL (self->clocks_panel), self->session);
  mmr_metrics_panel_set_session (MMR_METRICS_PANEL (self->metrics_panel),
                                 self->session);
  mmr_controls_panel_set_session (MMR_CONTROLS_PANEL (self->controls_panel),
                                  self->session);

  gtk_widget_set_vexpand (self->state_table, TRUE);
  gtk_paned_set_start_child (GTK_PANED (state_page), self->state_table);
  gtk_paned_set_end_child (GTK_PANED (state_page), self->vv_view);
  gtk_paned_set_position (GTK_PANED (state_page), 420);
  add_page (self, state_page, "State", TRUE);
  add_page (self, self->conflicts_panel, "Conflicts", TRUE);
  add_page (self, self->clocks_panel, "Clocks", FALSE);
  add_page (self, self->metrics_panel, "Metrics", FALSE);
  add_page (self, self->controls_panel, "World", FALSE);
  build_lab_page (self);

  g_signal_connect (self->state_table, "key-selected",
                    G_CALLBACK (key_selected_cb), self);
  g_signal_connect (self->conflicts_panel, "conflict-selected",
                    G_CALLBACK (conflict_selected_cb), self);
}

/* ---- public ---- */

gboolean
mmr_window_open (MmrWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  gboolean is_lab;

  g_return_val_if_fail (MMR_IS_WINDOW (self), FALSE);
  if (open_lab (self, path, &is_lab, &error))
    return TRUE;
  if (is_lab)
    {
      mmr_window_show_error (self, "Cannot open the lab", error->message);
      return FALSE;
    }
  if (mmr_session_load_file (self->session, path, &error))
    return TRUE;
  mmr_window_show_error (self, "Cannot open the scenario", error->message);
  return FALSE;
}

MmrSession *mmr_window_get_session (MmrWindow *self) { return self->session; }
MmrDiagramView *mmr_window_get_diagram (MmrWindow *self) { return self->diagram; }
MmrTopologyView *mmr_window_get_topology (MmrWindow *self) { return self->topology; }

const char *
mmr_window_get_status_text (MmrWindow *self)
{
  g_return_val_if_fail (MMR_IS_WINDOW (self), NULL);
  return self->status_text;
}

/* ---- GObject ---- */

static void
mmr_window_dispose (GObject *object)
{
  MmrWindow *self = MMR_WINDOW (object);

  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->session != NULL)
    {
      mmr_session_set_playing (self->session, FALSE);
      g_signal_handlers_disconnect_by_data (self->session, self);
    }
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), MMR_TYPE_WINDOW);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (mmr_window_parent_class)->dispose (object);
}

static void
mmr_window_finalize (GObject *object)
{
  g_free (MMR_WINDOW (object)->status_text);
  G_OBJECT_CLASS (mmr_window_parent_class)->finalize (object);
}

static void
mmr_window_class_init (MmrWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mmr_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = mmr_window_finalize;
  g_type_ensure (MMR_TYPE_TOPOLOGY_VIEW);
  g_type_ensure (MMR_TYPE_DIAGRAM_VIEW);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/mmrlab/Inspector/mmr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, panels);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, topology);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, diagram);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow,
                                        convergence_label);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, time_label);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, events_label);
  gtk_widget_class_bind_template_child (widget_class, MmrWindow, command_label);
  gtk_widget_class_bind_template_callback (widget_class, seed_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, speed_changed_cb);
}

static void
mmr_window_init (MmrWindow *self)
{
  self->session = mmr_session_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drop_down_set_selected (self->speed_dropdown, DEFAULT_SPEED_INDEX);
  mmr_session_set_speed (self->session, speeds[DEFAULT_SPEED_INDEX]);

  mmr_topology_view_set_session (self->topology, self->session);
  mmr_diagram_view_set_session (self->diagram, self->session);
  build_panels (self);
  mmr_window_install_actions (self);

  g_signal_connect (self->session, "reset", G_CALLBACK (session_reset_cb), self);
  g_signal_connect (self->session, "state-changed",
                    G_CALLBACK (session_state_cb), self);
  g_signal_connect (self->session, "notify::playing", G_CALLBACK (playing_cb),
                    self);
  g_signal_connect (self->session, "notify::seed", G_CALLBACK (seed_cb), self);
  mmr_window_update_actions (self);
}

MmrWindow *
mmr_window_new (GtkApplication *app)
{
  return g_object_new (MMR_TYPE_WINDOW, "application", app, NULL);
}
