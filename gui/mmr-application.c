/* mmr-application.c - the inspector's GtkApplication
 *
 * Concept: the GNOME way to start an app: one GtkApplication with an id,
 * the .desktop file and icon named after it, app-wide actions (quit,
 * about) and the keyboard accelerators of every action, the style sheet
 * loaded once for the display. Resources (templates, CSS, the shortcuts
 * window, the icon) come from the GResource under /org/mmrlab/Inspector,
 * which GtkApplication also searches for gtk/help-overlay.ui and icons.
 *
 * The run limits (--max-events, --max-time, --max-in-flight) are options
 * of the application, given to every window's session.
 *
 * Interface: mmr_application_new.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-application.h"

#include "mmr-session.h"
#include "mmr-window.h"

struct _MmrApplication {
  GtkApplication parent_instance;
  MmrRunLimits limits;      /* --max-events ...: every window's runs */
};

G_DEFINE_FINAL_TYPE (MmrApplication, mmr_application, GTK_TYPE_APPLICATION)

static void
quit_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  (void) action;
  (void) param;
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  static const char *authors[] = { "The Multi-Master Lab authors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (user_data);

  (void) action;
  (void) param;
  gtk_show_about_dialog (
      parent, "program-name", "Multi-Master Lab Inspector", "logo-icon-name",
      MMR_APPLICATION_ID, "version", "0.1.0", "comments",
      "Watch replicas, version vectors, conflicts, partitions and merges "
      "of a multi-master replication scenario, event by event.",
      "license-type", GTK_LICENSE_MIT_X11, "authors", authors, NULL);
}

static const GActionEntry app_entries[] = {
  { .name = "quit", .activate = quit_cb },
  { .name = "about", .activate = about_cb },
};

static void
set_accels (GtkApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Primary>q", NULL } },
    { "win.open", { "<Primary>o", NULL } },
    { "win.restart", { "<Primary>r", NULL } },
    { "win.run-to-conflict", { "<Primary>n", NULL } },
    { "win.show-help-overlay", { "<Primary>question", "<Primary>F1", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action,
                                           accels[i].accels);
}

static void
load_css (const char *resource)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, resource);
  gtk_style_context_add_provider_for_display (
      gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
mmr_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (mmr_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries,
                                   G_N_ELEMENTS (app_entries), app);
  set_accels (GTK_APPLICATION (app));
  /* The window's styles, then the panels' (mmr-state-table.c and the
   * other panels' files). */
  load_css ("/org/mmrlab/Inspector/style.css");
  load_css ("/org/mmrlab/Inspector/panels.css");
  gtk_window_set_default_icon_name (MMR_APPLICATION_ID);
}

static void
mmr_application_activate (GApplication *app)
{
  MmrWindow *window = mmr_window_new (GTK_APPLICATION (app));

  mmr_session_set_limits (mmr_window_get_session (window),
                          &MMR_APPLICATION (app)->limits);
  gtk_window_present (GTK_WINDOW (window));
}

static void
mmr_application_open (GApplication *app, GFile **files, int n_files,
                      const char *hint)
{
  (void) hint;
  for (int i = 0; i < n_files; i++)
    {
      MmrWindow *window = mmr_window_new (GTK_APPLICATION (app));
      g_autofree char *path = g_file_get_path (files[i]);

      mmr_session_set_limits (mmr_window_get_session (window),
                              &MMR_APPLICATION (app)->limits);
      gtk_window_present (GTK_WINDOW (window));
      if (path != NULL)
        mmr_window_open (window, path);
    }
}

static void
mmr_application_class_init (MmrApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = mmr_application_startup;
  app_class->activate = mmr_application_activate;
  app_class->open = mmr_application_open;
}

static void
mmr_application_init (MmrApplication *self)
{
  mmr_run_limits_init_default (&self->limits);
  g_application_add_option_group (G_APPLICATION (self),
                                  mmr_run_limits_option_group_new (
                                      &self->limits));
}

MmrApplication *
mmr_application_new (void)
{
  return g_object_new (MMR_TYPE_APPLICATION, "application-id",
                       MMR_APPLICATION_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN, "resource-base-path",
                       "/org/mmrlab/Inspector", NULL);
}
