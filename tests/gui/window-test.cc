/* window-test.cc - widget tests for the inspector window (needs a display:
 * the suite runs under xvfb-run)
 *
 * The window opens with the demo scenario loaded; cutting a link through
 * its action, or by clicking it in the topology view, changes the engine's
 * link state; a drag across the topology partitions; the step action
 * advances exactly one engine event; clicking an event in the diagram
 * selects it and its details come from time travel. Any GLib warning or
 * critical while the window runs fails the test ("no console warnings").
 */
#include <gtk/gtk.h>

extern "C" {
#include "mmr-application.h"
#include "mmr-diagram-view.h"
#include "mmr-session.h"
#include "mmr-topology-view.h"
#include "mmr-window.h"
}

#include <gtest/gtest.h>

#include <string>

#include "gui-test-util.h"

namespace {

class MmrWindowTest : public ::testing::Test {
protected:
  static MmrApplication *app;
  MmrWindow *window = nullptr;

  static void SetUpTestSuite ()
  {
    GError *error = nullptr;

    ASSERT_TRUE (gtk_init_check ())
        << "no display: run the gui suite under xvfb-run";
    g_log_set_always_fatal ((GLogLevelFlags) (G_LOG_LEVEL_WARNING
                                              | G_LOG_LEVEL_CRITICAL));
    app = mmr_application_new ();
    ASSERT_TRUE (g_application_register (G_APPLICATION (app), nullptr, &error))
        << (error != nullptr ? error->message : "");
  }

  void SetUp () override
  {
    std::string demo = source_path ("docs/examples/demo.mmr");

    ASSERT_NE (app, nullptr);
    window = mmr_window_new (GTK_APPLICATION (app));
    ASSERT_TRUE (mmr_window_open (window, demo.c_str ()));
    gtk_window_present (GTK_WINDOW (window));
    settle ([this] { return gtk_widget_get_mapped (GTK_WIDGET (window))
                            && gtk_widget_get_width (GTK_WIDGET (topology ())) > 0; });
  }

  void TearDown () override
  {
    gtk_window_destroy (GTK_WINDOW (window));
    settle ([] { return false; }, 50);
  }

  template <typename F>
  void settle (F done, int max_ms = 3000)
  {
    gint64 end = g_get_monotonic_time () + max_ms * 1000;

    while (!done () && g_get_monotonic_time () < end)
      g_main_context_iteration (nullptr, FALSE);
  }

  MmrSession *session () { return mmr_window_get_session (window); }
  MmrWorld *world () { return mmr_session_get_world (session ()); }
  MmrTopologyView *topology () { return mmr_window_get_topology (window); }

  void activate (const char *action, GVariant *param = nullptr)
  {
    ASSERT_TRUE (gtk_widget_activate_action_variant (GTK_WIDGET (window),
                                                     action, param))
        << action;
  }

  bool cut (guint a, guint b)
  {
    return mmr_world_get_channel (world (), a, b)->is_cut;
  }
};

MmrApplication *MmrWindowTest::app = nullptr;

}  // namespace

TEST_F (MmrWindowTest, OpensWithTheScenarioLoaded)
{
  GActionGroup *actions = G_ACTION_GROUP (window);

  EXPECT_TRUE (g_str_has_suffix (mmr_session_get_filename (session ()),
                                 "docs/examples/demo.mmr"));
  ASSERT_NE (world (), nullptr);
  EXPECT_EQ (mmr_world_n_replicas (world ()), 3u);
  EXPECT_STREQ (gtk_window_get_title (GTK_WINDOW (window)),
                "demo.mmr \u2014 Multi-Master Lab Inspector");
  EXPECT_TRUE (g_action_group_get_action_enabled (actions, "step"));
  EXPECT_TRUE (g_action_group_get_action_enabled (actions, "play"));
  EXPECT_STREQ (mmr_window_get_status_text (window), "\u2714 Converged");
  EXPECT_NE (gtk_application_window_get_help_overlay (
                 GTK_APPLICATION_WINDOW (window)),
             nullptr);
}

TEST_F (MmrWindowTest, CutActionChangesTheEnginesLinkState)
{
  ASSERT_FALSE (cut (0, 2));
  activate ("win.toggle-link", g_variant_new ("(uu)", 0, 2));
  EXPECT_TRUE (cut (0, 2));
  EXPECT_TRUE (cut (2, 0));
  EXPECT_FALSE (cut (0, 1));
  activate ("win.toggle-link", g_variant_new ("(uu)", 2, 0));
  EXPECT_FALSE (cut (0, 2));
  EXPECT_FALSE (cut (2, 0));
}

TEST_F (MmrWindowTest, ClickingALinkInTheTopologyCutsIt)
{
  GtkWidget *view = GTK_WIDGET (topology ());
  int w = gtk_widget_get_width (view), h = gtk_widget_get_height (view);
  double ax, ay, bx, by;

  mmr_topology_node_position (0, 3, w, h, &ax, &ay);
  mmr_topology_node_position (1, 3, w, h, &bx, &by);
  ASSERT_TRUE (mmr_topology_view_click (topology (), (ax + bx) / 2,
                                        (ay + by) / 2));
  EXPECT_TRUE (cut (0, 1));
  EXPECT_TRUE (cut (1, 0));
  EXPECT_FALSE (cut (0, 2));
  /* Away from every link: nothing happens. */
  EXPECT_FALSE (mmr_topology_view_click (topology (), 2, 2));
  ASSERT_TRUE (mmr_topology_view_click (topology (), (ax + bx) / 2,
                                        (ay + by) / 2));
  EXPECT_FALSE (cut (0, 1));
}

TEST_F (MmrWindowTest, DraggingAcrossTheTopologyPartitions)
{
  GtkWidget *view = GTK_WIDGET (topology ());
  int w = gtk_widget_get_width (view), h = gtk_widget_get_height (view);
  double ax, ay, bx, by;

  mmr_topology_node_position (0, 3, w, h, &ax, &ay);   /* A, at the top */
  mmr_topology_node_position (1, 3, w, h, &bx, &by);   /* B, bottom right */
  /* A horizontal line between A and the bottom row: A | B C. */
  ASSERT_TRUE (mmr_topology_partition_by_line (session (), w, h, 0,
                                               (ay + by) / 2, w,
                                               (ay + by) / 2));
  EXPECT_TRUE (cut (0, 1) && cut (1, 0) && cut (0, 2) && cut (2, 0));
  EXPECT_FALSE (cut (1, 2) || cut (2, 1));
  /* A line with every replica on one side does nothing. */
  EXPECT_FALSE (mmr_topology_partition_by_line (session (), w, h, 0, 1, w, 1));
}

TEST_F (MmrWindowTest, StepActionAdvancesExactlyOneEvent)
{
  guint64 before;

  /* The first step is the client write "A put cart milk", which the engine
   * emits as WRITE plus a SEND to each peer at once. */
  activate ("win.step");
  EXPECT_EQ (mmr_world_n_events (world ()), 3u);
  for (int i = 0; i < 1; i++)
    {
      before = mmr_world_n_events (world ());
      activate ("win.step");
      EXPECT_EQ (mmr_world_n_events (world ()), before + 1);
    }
  EXPECT_EQ (mmr_session_get_n_events (session ()), 4u);
  EXPECT_EQ (mmr_session_get_event (session (), 3)->ev.kind, MMR_EV_DELIVER);
  activate ("win.restart");
  EXPECT_EQ (mmr_world_n_events (world ()), 0u);
}

TEST_F (MmrWindowTest, ClickingAnEventSelectsItWithItsDetails)
{
  MmrDiagramView *diagram = mmr_window_get_diagram (window);
  GtkWidget *dw = GTK_WIDGET (diagram);
  const MmrDiagramFrame *frame;
  double x, y;
  g_autofree char *details = nullptr;

  activate ("win.run-to-end");
  mmr_diagram_view_zoom_to_fit (diagram);
  frame = mmr_diagram_view_get_frame (diagram);
  ASSERT_TRUE (mmr_diagram_event_point (session (), frame,
                                        gtk_widget_get_width (dw),
                                        gtk_widget_get_height (dw), 59, &x, &y));
  EXPECT_EQ (mmr_diagram_hit (session (), frame, gtk_widget_get_width (dw),
                              gtk_widget_get_height (dw), x + 2, y - 1),
             59u);
  mmr_diagram_view_select_event (diagram, 59);
  EXPECT_EQ (mmr_diagram_view_get_selected (diagram), 59u);
  details = mmr_diagram_describe_event (session (), 59);
  std::string text (details);
  EXPECT_NE (text.find ("event 59: conflict at A with C, time 231.772ms"), std::string::npos)
      << text;
  EXPECT_NE (text.find ("version vector {A:2, C:1}"), std::string::npos) << text;
  EXPECT_NE (text.find ("HLC 231772.0"), std::string::npos) << text;
  EXPECT_NE (text.find ("A:2 = milk,flour   timestamp (50ms, 0)   HLC 50000.0"), std::string::npos) << text;
  EXPECT_NE (text.find ("\nA  cart = eggs"), std::string::npos) << text;
  EXPECT_NE (text.find ("diverging: 3 keys differ"), std::string::npos) << text;
}

TEST_F (MmrWindowTest, PlayingRunsToTheEndAndStops)
{
  mmr_session_set_speed (session (), 0);    /* as fast as possible */
  activate ("win.play");
  EXPECT_TRUE (mmr_session_get_playing (session ()));
  settle ([this] { return mmr_session_is_done (session ()); }, 10000);
  settle ([this] { return !mmr_session_get_playing (session ()); }, 1000);
  EXPECT_TRUE (mmr_session_is_done (session ()));
  EXPECT_FALSE (mmr_session_get_playing (session ()));
  EXPECT_EQ (mmr_session_get_n_events (session ()), 97u);
  EXPECT_FALSE (g_action_group_get_action_enabled (G_ACTION_GROUP (window),
                                                   "step"));
  settle ([] { return false; }, 300);
  EXPECT_STREQ (mmr_window_get_status_text (window), "\u2714 Converged");
}
