/* mmr-window-actions.c - every command of the window, as a GAction
 *
 * Concept: a command is a "win." action, so the header bar's buttons, the
 * menu, the keyboard and the tests all go through the same code, and
 * GTK greys out what cannot be done now (step when the run is over).
 *
 * Interface (action names):
 *   win.open, win.open-lab          file chooser, then load
 *   win.play (boolean state)        play or pause             Space
 *   win.step                        one step (one event)      Right
 *   win.run-to-conflict             run to the next conflict  Ctrl+N
 *   win.run-to-end                  run the scenario out
 *   win.restart                     same seed, interventions dropped  Ctrl+R
 *   win.toggle-link (uu)            cut a link both ways, or heal it
 *   win.heal-all                    heal every link
 *   win.export-diagram ("png"|"svg"), win.export-topology ("png"|"svg")
 * (win.show-help-overlay, Ctrl+?, comes with GtkApplicationWindow.)
 *
 * Invariants: Space and Right are single keys, so they are handled in the
 * capture phase only when no text field has the focus: typing a seed
 * must not start the run.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-window-private.h"

#include <string.h>

#include "mmr-export.h"

typedef void (*PickedFunc) (MmrWindow *self, const char *path,
                            const char *kind);

typedef struct {
  MmrWindow *self;
  PickedFunc func;
  char *kind;
} Pick;

/* ---- dialogs ---- */

void
mmr_window_show_error (MmrWindow *self, const char *primary,
                       const char *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (
      GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
      GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, Pick *pick)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        pick->func (pick->self, path, pick->kind);
    }
  g_clear_object (&pick->self->chooser);
  g_free (pick->kind);
  g_free (pick);
}

static void
choose (MmrWindow *self, GtkFileChooserAction action, const char *title,
        const char *accept, const char *suggested, GtkFileFilter *filter,
        PickedFunc func, const char *kind)
{
  Pick *pick = g_new0 (Pick, 1);

  pick->self = self;
  pick->func = func;
  pick->kind = g_strdup (kind);
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                               accept, "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (suggested != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                       suggested);
  g_signal_connect (self->chooser, "response",
                    G_CALLBACK (chooser_response_cb), pick);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_picked (MmrWindow *self, const char *path, const char *kind)
{
  (void) kind;
  mmr_window_open (self, path);
}

static void
open_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  (void) action;
  (void) param;
  gtk_file_filter_set_name (filter, "Scenarios (*.mmr)");
  gtk_file_filter_add_pattern (filter, "*.mmr");
  choose (user_data, GTK_FILE_CHOOSER_ACTION_OPEN, "Open a Scenario", "_Open",
          NULL, filter, open_picked, NULL);
}

static void
open_lab_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  (void) action;
  (void) param;
  choose (user_data, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "Open a Lab Folder",
          "_Open", NULL, NULL, open_picked, NULL);
}

/* ---- running ---- */

static MmrSession *
session_of (gpointer user_data)
{
  return mmr_window_get_session (MMR_WINDOW (user_data));
}

static void
play_change_cb (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  (void) action;
  mmr_session_set_playing (session_of (user_data), g_variant_get_boolean (value));
}

static void
play_activate_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MmrSession *session = session_of (user_data);

  (void) action;
  (void) param;
  mmr_session_set_playing (session, !mmr_session_get_playing (session));
}

static void
step_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  (void) action;
  (void) param;
  mmr_session_set_playing (session_of (user_data), FALSE);
  mmr_session_step_event (session_of (user_data));
}

static void
run_to_conflict_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MmrWindow *self = user_data;
  MmrSession *session = session_of (user_data);

  (void) action;
  (void) param;
  mmr_session_set_playing (session, FALSE);
  if (!mmr_session_run_to_conflict (session))
    return;
  /* The conflict and its resolution come in one engine step: mark the
   * conflict itself. */
  for (guint i = mmr_session_get_n_events (session); i-- > 0;)
    if (mmr_session_get_event (session, i)->ev.kind == MMR_EV_CONFLICT)
      {
        mmr_diagram_view_highlight_event (self->diagram, i);
        break;
      }
}

static void
run_to_end_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  (void) action;
  (void) param;
  mmr_session_set_playing (session_of (user_data), FALSE);
  mmr_session_run_to_end (session_of (user_data));
}

static void
restart_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  (void) action;
  (void) param;
  mmr_session_restart (session_of (user_data));
}

/* ---- interventions ---- */

static void
toggle_link_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MmrSession *session = session_of (user_data);
  MmrWorld *world = mmr_session_get_world (session);
  guint32 a, b;

  (void) action;
  g_variant_get (param, "(uu)", &a, &b);
  if (world == NULL || a == b || a >= mmr_world_n_replicas (world)
      || b >= mmr_world_n_replicas (world))
    return;
  mmr_session_toggle_link (session, a, b);
}

static void
heal_all_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  (void) action;
  (void) param;
  mmr_session_heal_all (session_of (user_data));
}

/* ---- exports ---- */

static char *
suggested_name (MmrWindow *self, const char *what, const char *ext)
{
  g_autofree char *base = g_path_get_basename (
      mmr_session_get_filename (self->session));
  char *dot = strrchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  return g_strdup_printf ("%s-%s.%s", base, what, ext);
}

static void
export_picked (MmrWindow *self, const char *path, const char *kind)
{
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (g_str_equal (kind, "diagram"))
    {
      int width, height;

      mmr_export_diagram_size (self->session, &width, &height);
      ok = mmr_export_diagram (self->session, NULL, path, width, height, &error);
    }
  else
    ok = mmr_export_topology (self->session, FALSE, -1, path, 900, 700, &error);
  if (!ok)
    mmr_window_show_error (self, "Cannot export", error->message);
}

static void
export (MmrWindow *self, const char *what, const char *ext)
{
  g_autofree char *name = suggested_name (self, what, ext);
  g_autofree char *title = g_strdup_printf ("Export the %s as %s", what,
                                            g_str_equal (ext, "svg") ? "SVG"
                                                                     : "PNG");
  GtkFileFilter *filter = gtk_file_filter_new ();
  g_autofree char *pattern = g_strdup_printf ("*.%s", ext);

  gtk_file_filter_set_name (filter, g_str_equal (ext, "svg") ? "SVG drawings"
                                                             : "PNG images");
  gtk_file_filter_add_pattern (filter, pattern);
  choose (self, GTK_FILE_CHOOSER_ACTION_SAVE, title, "_Export", name, filter,
          export_picked, what);
}

static void
export_diagram_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  (void) action;
  export (user_data, "diagram", g_variant_get_string (param, NULL));
}

static void
export_topology_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  (void) action;
  export (user_data, "topology", g_variant_get_string (param, NULL));
}

/* ---- keys ---- */

static gboolean
typing (GtkWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  for (; focus != NULL; focus = gtk_widget_get_parent (focus))
    if (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus))
      return TRUE;
  return FALSE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *keys, guint keyval, guint keycode,
                GdkModifierType state, MmrWindow *self)
{
  const char *action;

  (void) keys;
  (void) keycode;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)
      || typing (GTK_WINDOW (self)))
    return FALSE;
  if (keyval == GDK_KEY_space)
    action = "win.play";
  else if (keyval == GDK_KEY_Right)
    action = "win.step";
  else
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
  return TRUE;
}

/* ---- installing ---- */

static const GActionEntry entries[] = {
  { .name = "open", .activate = open_cb },
  { .name = "open-lab", .activate = open_lab_cb },
  { .name = "play", .activate = play_activate_cb, .state = "false",
    .change_state = play_change_cb },
  { .name = "step", .activate = step_cb },
  { .name = "run-to-conflict", .activate = run_to_conflict_cb },
  { .name = "run-to-end", .activate = run_to_end_cb },
  { .name = "restart", .activate = restart_cb },
  { .name = "toggle-link", .activate = toggle_link_cb,
    .parameter_type = "(uu)" },
  { .name = "heal-all", .activate = heal_all_cb },
  { .name = "export-diagram", .activate = export_diagram_cb,
    .parameter_type = "s" },
  { .name = "export-topology", .activate = export_topology_cb,
    .parameter_type = "s" },
};

void
mmr_window_install_actions (MmrWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries,
                                   G_N_ELEMENTS (entries), self);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

static void
enable (MmrWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
mmr_window_update_actions (MmrWindow *self)
{
  MmrSession *session = mmr_window_get_session (self);
  gboolean loaded = mmr_session_get_world (session) != NULL;
  gboolean running = loaded && !mmr_session_is_done (session);
  GAction *play = g_action_map_lookup_action (G_ACTION_MAP (self), "play");

  if (play == NULL)
    return;
  g_simple_action_set_state (G_SIMPLE_ACTION (play),
                             g_variant_new_boolean (
                                 mmr_session_get_playing (session)));
  enable (self, "play", running);
  enable (self, "step", running);
  enable (self, "run-to-conflict", running);
  enable (self, "run-to-end", running);
  enable (self, "restart", loaded);
  enable (self, "toggle-link", loaded);
  enable (self, "heal-all", loaded);
  enable (self, "export-diagram", loaded);
  enable (self, "export-topology", loaded);
}
