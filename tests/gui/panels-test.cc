// panels-test.cc - the inspector's panels against a real session, under Xvfb
//
// Each test loads a scenario text into an MmrSession, runs it, and checks
// what a panel shows or does: the state table's siblings, divergence
// markers and tombstones (and that its incremental updates equal a
// rebuild, over many seeds), the version-vector relations, the conflict
// cards, the controls and clock sliders changing the world, the metrics.
// Any GLib/GTK warning or critical during a test fails it ("no console
// warnings"). Run with GSK_RENDERER=cairo GTK_A11Y=none
// GSETTINGS_BACKEND=memory under xvfb-run; the test sets those itself when
// they are missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtk/gtk.h>

extern "C" {
#include "mmr-clocks-panel.h"
#include "mmr-conflicts-panel.h"
#include "mmr-controls-panel.h"
#include "mmr-metrics-panel.h"
#include "mmr-session.h"
#include "mmr-state-table.h"
#include "mmr-vv-view.h"
#include "sim/checker.h"
#include "sim/view.h"
}

namespace {

int g_warnings = 0;
std::string g_last_warning;

GLogWriterOutput
count_warnings (GLogLevelFlags level, const GLogField *fields, gsize n,
                gpointer data)
{
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL
                | G_LOG_LEVEL_WARNING)) != 0)
    {
      g_warnings++;
      for (gsize i = 0; i < n; i++)
        if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
          g_last_warning = (const char *) fields[i].value;
    }
  return g_log_writer_default (level, fields, n, data);
}

void
css_error_cb (GtkCssProvider *, GtkCssSection *section, const GError *error,
              gpointer)
{
  g_autofree char *where = gtk_css_section_to_string (section);

  ADD_FAILURE () << "panels.css: " << where << ": " << error->message;
}

bool
ensure_gtk ()
{
  static int state = -1;

  if (state >= 0)
    return state == 1;
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  g_log_set_writer_func (count_warnings, nullptr, nullptr);
  state = gtk_init_check () ? 1 : 0;
  if (state == 1)
    {
      GtkCssProvider *css = gtk_css_provider_new ();

      g_signal_connect (css, "parsing-error", G_CALLBACK (css_error_cb),
                        nullptr);
      gtk_css_provider_load_from_resource (
          css, "/org/mmrlab/Inspector/panels.css");
      gtk_style_context_add_provider_for_display (
          gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
          GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }
  return state == 1;
}

void
pump ()
{
  while (g_main_context_iteration (nullptr, FALSE))
    ;
}

// Iterates the main loop until @done or about two seconds passed.
template <typename F>
bool
pump_until (F done)
{
  for (int i = 0; i < 200; i++)
    {
      pump ();
      if (done ())
        return true;
      g_usleep (10000);
    }
  return done ();
}

gboolean
count_frame_cb (GtkWidget *, GdkFrameClock *, gpointer data)
{
  ++*static_cast<int *> (data);
  return G_SOURCE_CONTINUE;
}

// Iterates until @w's frame clock ticked twice: whatever was queued
// (layout, drawing) has happened.
void
wait_frames (GtkWidget *w)
{
  int frames = 0;
  guint id = gtk_widget_add_tick_callback (w, count_frame_cb, &frames,
                                           nullptr);

  pump_until ([&] { return frames >= 2; });
  gtk_widget_remove_tick_callback (w, id);
}

// Every line of text of every GtkLabel and GtkInscription under @w.
void
collect_labels (GtkWidget *w, std::vector<std::string> *out)
{
  const char *text = nullptr;

  if (GTK_IS_LABEL (w))
    text = gtk_label_get_text (GTK_LABEL (w));
  else if (GTK_IS_INSCRIPTION (w))
    text = gtk_inscription_get_text (GTK_INSCRIPTION (w));
  if (text != nullptr)
    {
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

      out->push_back (text);
      for (guint i = 0; lines[i] != nullptr && lines[1] != nullptr; i++)
        out->push_back (lines[i]);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != nullptr;
       c = gtk_widget_get_next_sibling (c))
    collect_labels (c, out);
}

bool
has_label (GtkWidget *w, const std::string &text)
{
  std::vector<std::string> labels;

  collect_labels (w, &labels);
  return std::find (labels.begin (), labels.end (), text) != labels.end ();
}

const char *const kSiblings =
    "replicas A B C\n"
    "seed 7\n"
    "strategy siblings\n"
    "latency 10ms\n"
    "A put cart milk\n"
    "B put cart eggs\n"
    "settle\n";

const char *const kPartition =
    "replicas A B C\n"
    "seed 42\n"
    "strategy lww\n"
    "clock hlc\n"
    "granularity field\n"
    "latency 5ms..20ms\n"
    "A put cart milk\n"
    "run 50ms\n"
    "partition A B | C\n"
    "A put cart milk,flour\n"
    "run 10ms\n"
    "C put cart eggs\n"
    "run 100ms\n";

class Panels : public ::testing::Test
{
protected:
  void
  SetUp () override
  {
    ASSERT_TRUE (ensure_gtk ())
        << "no display: run this test under xvfb-run";
    g_warnings = 0;
    session_ = mmr_session_new ();
    window_ = gtk_window_new ();
    gtk_window_set_default_size (GTK_WINDOW (window_), 1100, 700);
  }

  void
  TearDown () override
  {
    pump ();
    gtk_window_destroy (GTK_WINDOW (window_));
    pump ();
    g_clear_object (&session_);
    EXPECT_EQ (g_warnings, 0) << "last warning: " << g_last_warning;
  }

  void
  Load (const char *text)
  {
    g_autoptr (GError) error = nullptr;

    ASSERT_TRUE (mmr_session_load_text (session_, "test.mmr", text, &error))
        << error->message;
  }

  void
  Show (GtkWidget *child)
  {
    gtk_window_set_child (GTK_WINDOW (window_), child);
    gtk_window_present (GTK_WINDOW (window_));
    ASSERT_TRUE (pump_until ([&] { return gtk_widget_get_mapped (child); }));
  }

  MmrSession *session_ = nullptr;
  GtkWidget *window_ = nullptr;
};

// ---- state table ----

TEST_F (Panels, StateTableShowsSiblingsAfterConcurrentWrite)
{
  GtkWidget *table = mmr_state_table_new ();
  MmrStateTable *t = MMR_STATE_TABLE (table);

  Show (table);
  Load (kSiblings);
  mmr_state_table_set_session (t, session_);
  mmr_session_run_to_end (session_);
  int row = mmr_state_table_find_row (t, "cart");
  ASSERT_GE (row, 0);
  for (guint r = 0; r < 3; r++)
    {
      g_autofree char *text = mmr_state_table_dup_cell_text (t, row, r);

      EXPECT_STREQ (text, "{eggs | milk}") << "replica " << r;
      EXPECT_TRUE (mmr_state_table_row_has_siblings (t, row, r));
    }
  EXPECT_FALSE (mmr_state_table_row_differs (t, row));
  // What is drawn, not only the model: the cell and its badge exist.
  EXPECT_TRUE (pump_until ([&] { return has_label (table, "{eggs | milk}"); }));
  EXPECT_TRUE (has_label (table, "siblings"));
  EXPECT_TRUE (has_label (table, "{A:1, B:1}"));
  EXPECT_TRUE (has_label (table, "1 key · replicas agree"));
}

TEST_F (Panels, StateTableMarksReplicasThatDisagree)
{
  GtkWidget *table = mmr_state_table_new ();
  MmrStateTable *t = MMR_STATE_TABLE (table);

  Show (table);
  mmr_state_table_set_session (t, session_);
  Load (kPartition);
  mmr_session_run_to_end (session_);
  int row = mmr_state_table_find_row (t, "cart");
  ASSERT_GE (row, 0);
  EXPECT_TRUE (mmr_state_table_row_differs (t, row));
  g_autofree char *a = mmr_state_table_dup_cell_text (t, row, 0);
  g_autofree char *c = mmr_state_table_dup_cell_text (t, row, 2);
  EXPECT_STREQ (a, "milk,flour");
  EXPECT_STREQ (c, "eggs");
  EXPECT_TRUE (pump_until ([&] { return has_label (table, "≠"); }));
  EXPECT_TRUE (has_label (table, "1 key · 1 differ"));
}

TEST_F (Panels, StateTableShowsTombstonesOnlyOnDemand)
{
  GtkWidget *table = mmr_state_table_new ();
  MmrStateTable *t = MMR_STATE_TABLE (table);

  Show (table);
  Load ("replicas A B\nstrategy siblings\nlatency 10ms\n"
        "A put x 1\nA put y 2\nsettle\nA del x\nsettle\n");
  mmr_state_table_set_session (t, session_);
  mmr_session_run_to_end (session_);
  EXPECT_EQ (mmr_state_table_find_row (t, "x"), -1);
  EXPECT_EQ (mmr_state_table_get_n_rows (t), 1u);
  mmr_state_table_set_show_deleted (t, TRUE);
  int row = mmr_state_table_find_row (t, "x");
  ASSERT_GE (row, 0);
  g_autofree char *text = mmr_state_table_dup_cell_text (t, row, 1);
  EXPECT_STREQ (text, "(deleted)");
  EXPECT_TRUE (pump_until ([&] { return has_label (table, "tombstone"); }));
  mmr_state_table_set_show_deleted (t, FALSE);
  EXPECT_EQ (mmr_state_table_find_row (t, "x"), -1);
}

void
key_selected_cb (MmrStateTable *, const char *name, std::string *out)
{
  *out = name;
}

TEST_F (Panels, StateTableEmitsKeySelected)
{
  GtkWidget *table = mmr_state_table_new ();
  std::string selected;

  Show (table);
  Load (kPartition);
  mmr_state_table_set_session (MMR_STATE_TABLE (table), session_);
  mmr_session_run_to_end (session_);
  g_signal_connect (table, "key-selected", G_CALLBACK (key_selected_cb),
                    &selected);
  ASSERT_TRUE (mmr_state_table_select (MMR_STATE_TABLE (table), "cart"));
  EXPECT_EQ (selected, "cart");
}

const char *const kMergeAndCrdt =
    "replicas A B\n"
    "strategy merge set-union\n"
    "latency 10ms\n"
    "type likes pncounter\n"
    "A put cart milk\n"
    "B put cart eggs\n"
    "A incr likes 3\n"
    "B incr likes 2\n"
    "settle\n";

TEST_F (Panels, StateTableShowsMergedValuesAndCrdtKeys)
{
  GtkWidget *table = mmr_state_table_new ();
  MmrStateTable *t = MMR_STATE_TABLE (table);

  Show (table);
  Load (kMergeAndCrdt);
  mmr_state_table_set_session (t, session_);
  mmr_session_run_to_end (session_);
  int cart = mmr_state_table_find_row (t, "cart");
  int likes = mmr_state_table_find_row (t, "likes");
  ASSERT_GE (cart, 0);
  ASSERT_GE (likes, 0);
  g_autofree char *merged = mmr_state_table_dup_cell_text (t, cart, 1);
  g_autofree char *count = mmr_state_table_dup_cell_text (t, likes, 0);
  MmrViewEntry *e = mmr_view_lookup (mmr_session_get_world (session_), 1,
                                     "cart");
  ASSERT_NE (e, nullptr);
  ASSERT_EQ (e->values->len, 1u);
  EXPECT_STREQ (merged, (const char *) e->values->pdata[0]);
  mmr_view_entry_free (e);
  EXPECT_STREQ (count, "5");
  EXPECT_FALSE (mmr_state_table_row_has_siblings (t, cart, 1));
  EXPECT_TRUE (pump_until ([&] { return has_label (table, "merged"); }));
  EXPECT_TRUE (has_label (table, "pncounter (CRDT)"));
  // Switching the strategy changes how every register reads.
  mmr_session_set_strategy (session_, MMR_STRATEGY_SIBLINGS);
  g_autofree char *siblings = mmr_state_table_dup_cell_text (t, cart, 1);
  EXPECT_STREQ (siblings, "{eggs | milk}");
}

// A random scenario: puts, deletes and field writes under partitions.
std::string
random_scenario (guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  std::string s = "replicas A B C D\n";
  const char *names[] = { "A", "B", "C", "D" };

  s += "seed " + std::to_string (seed) + "\n";
  s += g_rand_boolean (rand) ? "strategy siblings\n" : "strategy lww\n";
  s += g_rand_boolean (rand) ? "granularity record\n" : "granularity field\n";
  s += "latency 1ms..30ms\n";
  for (int i = 0; i < 40; i++)
    {
      const char *who = names[g_rand_int_range (rand, 0, 4)];
      int key = g_rand_int_range (rand, 0, 5);
      int op = g_rand_int_range (rand, 0, 10);
      std::string k = "k" + std::to_string (key);

      if (key >= 3)
        k += g_rand_boolean (rand) ? ".name" : ".mail";
      if (op < 5)
        s += std::string (who) + " put " + k + " v"
             + std::to_string (g_rand_int_range (rand, 0, 4)) + "\n";
      else if (op < 7)
        s += std::string (who) + " del " + k + "\n";
      else if (op == 7)
        s += "partition A B | C D\n";
      else if (op == 8)
        s += "heal\n";
      else
        s += "run " + std::to_string (g_rand_int_range (rand, 1, 40))
             + "ms\n";
    }
  s += "heal\nsettle\n";
  return s;
}

// One row of a model, every field of every cell, as text.
std::string
row_dump (MmrStateRow *row, guint n_replicas)
{
  std::string line = mmr_state_row_get_name (row);

  line += mmr_state_row_get_differs (row) ? " differs:" : " same:";
  for (guint r = 0; r < n_replicas; r++)
    {
      const MmrStateCell *c = mmr_state_row_get_cell (row, r);
      g_autofree char *cell = g_strdup_printf (
          " [%d%d%d %u/%u %s %s %u.%u.%u.%u]", c->is_present, c->is_absent,
          c->has_tombstone, c->n_values, c->n_live,
          c->crdt_type != nullptr ? c->crdt_type : "-",
          c->text != nullptr ? c->text : "(null)", c->vv.c[0], c->vv.c[1],
          c->vv.c[2], c->vv.c[3]);

      line += cell;
    }
  return line;
}

std::vector<std::string>
model_dump (GListModel *model, guint n_replicas)
{
  std::vector<std::string> out;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (MmrStateRow) row
          = MMR_STATE_ROW (g_list_model_get_item (model, i));

      out.push_back (row_dump (row, n_replicas));
    }
  return out;
}

// The entry names of every replica's view, straight from the engine.
std::vector<std::string>
view_names (MmrWorld *world, gboolean with_absent)
{
  std::vector<std::string> names;

  for (guint r = 0; r < mmr_world_n_replicas (world); r++)
    {
      g_autoptr (GPtrArray) v = mmr_view_dup (world, r, with_absent);

      for (guint i = 0; i < v->len; i++)
        names.push_back (((MmrViewEntry *) v->pdata[i])->name);
    }
  std::sort (names.begin (), names.end ());
  names.erase (std::unique (names.begin (), names.end ()), names.end ());
  return names;
}

// The table follows the world step by step by re-reading only what the
// world reports as changed; after every step it must hold exactly what a
// model built from scratch holds, and the rows must be the views' union.
TEST_F (Panels, StateTableIncrementalUpdatesEqualARebuild)
{
  GtkWidget *live = mmr_state_table_new ();

  gtk_window_set_default_size (GTK_WINDOW (window_), 500, 300);
  Show (live);
  for (guint32 seed = 1; seed <= 40; seed++)
    {
      std::string text = random_scenario (seed);
      gboolean deleted = seed % 2 == 0;

      SCOPED_TRACE ("seed " + std::to_string (seed));
      Load (text.c_str ());
      mmr_state_table_set_session (MMR_STATE_TABLE (live), session_);
      mmr_state_table_set_show_deleted (MMR_STATE_TABLE (live), deleted);
      guint steps = 0;
      while (mmr_session_step_event (session_))
        {
          MmrWorld *world = mmr_session_get_world (session_);
          g_autoptr (MmrStateModel) fresh = mmr_state_model_new ();

          steps++;
          if (steps % 64 == 0)
            pump ();   // sometimes the idle update, mostly the flush
          mmr_state_model_set_with_absent (fresh, deleted);
          mmr_state_model_attach (fresh, world);
          auto a = model_dump (G_LIST_MODEL (mmr_state_table_get_model (
                                   MMR_STATE_TABLE (live))), 4);
          auto b = model_dump (G_LIST_MODEL (fresh), 4);
          mmr_state_model_detach (fresh);
          ASSERT_EQ (a, b) << "after " << steps << " steps";
          ASSERT_EQ (a.size (), view_names (world, deleted).size ());
          g_autoptr (GPtrArray) diffs = mmr_check_convergence (world);
          if (!deleted)
            {
              ASSERT_EQ (mmr_state_model_get_n_differing (
                             mmr_state_table_get_model (
                                 MMR_STATE_TABLE (live))),
                         diffs->len);
            }
        }
    }
}

// ---- version vectors ----

TEST_F (Panels, VvViewStatesConcurrentForConcurrentWrites)
{
  GtkWidget *view = mmr_vv_view_new ();
  MmrVvView *v = MMR_VV_VIEW (view);

  Show (view);
  Load ("replicas A B C\nstrategy siblings\nlatency 10ms\n"
        "A put cart milk\nB put cart eggs\nrun 1ms\n");
  mmr_vv_view_set_session (v, session_);
  mmr_vv_view_set_key (v, "cart");
  mmr_session_run_to_end (session_);
  g_autofree char *ab = mmr_vv_view_dup_relation_text (v, 0, 1);
  g_autofree char *ac = mmr_vv_view_dup_relation_text (v, 0, 2);
  g_autofree char *bc = mmr_vv_view_dup_relation_text (v, 1, 2);
  EXPECT_STREQ (ab, "A ∥ B concurrent");
  EXPECT_STREQ (ac, "A dominates C");
  EXPECT_STREQ (bc, "B dominates C");
  EXPECT_TRUE (has_label (view, "A ∥ B concurrent"));
  EXPECT_TRUE (has_label (view,
                          "each has a write the other has not seen: a "
                          "conflict"));
}

TEST_F (Panels, VvViewStatesEqualOnceConverged)
{
  GtkWidget *view = mmr_vv_view_new ();
  MmrVvView *v = MMR_VV_VIEW (view);

  Show (view);
  Load (kSiblings);
  mmr_vv_view_set_session (v, session_);
  mmr_vv_view_set_key (v, "cart");
  mmr_session_run_to_end (session_);
  g_autofree char *ab = mmr_vv_view_dup_relation_text (v, 1, 0);
  EXPECT_STREQ (ab, "A = B equal");
  EXPECT_TRUE (has_label (view, "siblings: milk (A:1) | eggs (B:1)")
               || has_label (view, "siblings: eggs (B:1) | milk (A:1)"));
  g_autofree char *words = mmr_vv_view_describe_relation (MMR_VV_DOMINATED,
                                                          "A", "B");
  EXPECT_STREQ (words, "B dominates A");
}

TEST_F (Panels, VvViewExplainsThatCrdtKeysHaveNone)
{
  GtkWidget *view = mmr_vv_view_new ();

  Show (view);
  Load (kMergeAndCrdt);
  mmr_vv_view_set_session (MMR_VV_VIEW (view), session_);
  mmr_session_run_to_end (session_);
  mmr_vv_view_set_key (MMR_VV_VIEW (view), "likes");
  EXPECT_TRUE (has_label (view, "likes is a CRDT (pncounter): replicas merge "
                                "its state directly, so it needs no version "
                                "vector and never has siblings."));
  g_autofree char *none = mmr_vv_view_dup_relation_text (MMR_VV_VIEW (view),
                                                         0, 1);
  EXPECT_EQ (none, nullptr);
}

// ---- conflicts ----

void
conflict_selected_cb (MmrConflictsPanel *, guint index, guint *out)
{
  *out = index;
}

TEST_F (Panels, ConflictsPanelExplainsSiblings)
{
  GtkWidget *panel = mmr_conflicts_panel_new ();
  MmrConflictsPanel *p = MMR_CONFLICTS_PANEL (panel);
  guint selected = G_MAXUINT;

  Show (panel);
  Load (kSiblings);
  mmr_conflicts_panel_set_session (p, session_);
  mmr_session_run_to_end (session_);
  ASSERT_GE (mmr_conflicts_panel_get_n_conflicts (p), 1u);
  g_autofree char *text = mmr_conflicts_panel_dup_text (p, 0);
  EXPECT_EQ (strncmp (text, "cart\nresolved at ", 17), 0) << text;
  EXPECT_NE (strstr (text, "rule: siblings"), nullptr) << text;
  EXPECT_NE (strstr (text, "milk (A:1)"), nullptr) << text;
  EXPECT_NE (strstr (text, "eggs (B:1)"), nullptr) << text;
  EXPECT_NE (strstr (text, "Outcome: 2 siblings kept"), nullptr) << text;
  EXPECT_NE (strstr (text, "Discarded: nothing"), nullptr) << text;
  // Find the RESOLVE event the first card came from, and select it.
  guint first = G_MAXUINT;
  for (guint i = 0; i < mmr_session_get_n_events (session_); i++)
    if (mmr_session_get_event (session_, i)->ev.kind == MMR_EV_RESOLVE)
      {
        first = i;
        break;
      }
  g_signal_connect (panel, "conflict-selected",
                    G_CALLBACK (conflict_selected_cb), &selected);
  ASSERT_TRUE (mmr_conflicts_panel_select_event (p, first));
  EXPECT_EQ (selected, first);
  EXPECT_FALSE (mmr_conflicts_panel_select_event (p, 0));
  // Its CONFLICT event (just before) selects it too.
  gtk_single_selection_set_selected (
      GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (
          gtk_widget_get_template_child (panel, MMR_TYPE_CONFLICTS_PANEL,
                                         "list_view")))),
      GTK_INVALID_LIST_POSITION);
  selected = G_MAXUINT;
  ASSERT_TRUE (mmr_conflicts_panel_select_event (p, first - 1));
  EXPECT_EQ (selected, first);
}

TEST_F (Panels, ConflictsPanelNamesWhatLwwDiscarded)
{
  GtkWidget *panel = mmr_conflicts_panel_new ();
  MmrConflictsPanel *p = MMR_CONFLICTS_PANEL (panel);
  std::string all;

  Show (panel);
  mmr_conflicts_panel_set_session (p, session_);
  Load ((std::string (kPartition) + "heal\nsettle\n").c_str ());
  mmr_session_run_to_end (session_);
  ASSERT_GE (mmr_conflicts_panel_get_n_conflicts (p), 1u);
  for (guint i = 0; i < mmr_conflicts_panel_get_n_conflicts (p); i++)
    {
      g_autofree char *text = mmr_conflicts_panel_dup_text (p, i);

      all += text;
      all += "\n";
    }
  EXPECT_NE (all.find ("rule: lww-timestamp"), std::string::npos) << all;
  EXPECT_NE (all.find ("Outcome: eggs (C:1) wins"), std::string::npos) << all;
  EXPECT_NE (all.find ("Discarded: milk,flour (A:2)"), std::string::npos)
      << all;
  // Resolved at A and at C, alike: one conflict, as the world counts it.
  EXPECT_EQ (mmr_conflicts_panel_get_n_conflicts (p),
             mmr_world_get_metrics (mmr_session_get_world (session_))
                 ->conflicts);
  EXPECT_NE (all.find ("resolved at A ("), std::string::npos) << all;
  EXPECT_NE (all.find ("), C ("), std::string::npos) << all;
}

TEST_F (Panels, ConflictsPanelExplainsAMergeFunction)
{
  GtkWidget *panel = mmr_conflicts_panel_new ();
  MmrConflictsPanel *p = MMR_CONFLICTS_PANEL (panel);

  Show (panel);
  Load (kMergeAndCrdt);
  mmr_conflicts_panel_set_session (p, session_);
  mmr_session_run_to_end (session_);
  ASSERT_GE (mmr_conflicts_panel_get_n_conflicts (p), 1u);
  g_autofree char *text = mmr_conflicts_panel_dup_text (p, 0);
  EXPECT_NE (strstr (text, "rule: merged"), nullptr) << text;
  EXPECT_NE (strstr (text, "Outcome: 2 siblings kept, read merged"), nullptr)
      << text;
}

TEST_F (Panels, ControlsOfferTheScenariosMergeFunction)
{
  GtkWidget *panel = mmr_controls_panel_new ();
  GtkDropDown *strategy = GTK_DROP_DOWN (gtk_widget_get_template_child (
      panel, MMR_TYPE_CONTROLS_PANEL, "strategy_dropdown"));
  GListModel *items = gtk_drop_down_get_model (strategy);

  Show (panel);
  mmr_controls_panel_set_session (MMR_CONTROLS_PANEL (panel), session_);
  Load (kSiblings);
  EXPECT_EQ (g_list_model_get_n_items (items), 2u);
  Load (kMergeAndCrdt);
  ASSERT_EQ (g_list_model_get_n_items (items), 3u);
  EXPECT_STREQ (gtk_string_list_get_string (GTK_STRING_LIST (items), 2),
                "Merge function (set-union)");
  EXPECT_EQ (gtk_drop_down_get_selected (strategy),
             (guint) MMR_STRATEGY_MERGE);
  MmrWorld *world = mmr_session_get_world (session_);
  gtk_drop_down_set_selected (strategy, MMR_STRATEGY_LWW);
  EXPECT_EQ (mmr_world_get_config (world)->strategy, MMR_STRATEGY_LWW);
  gtk_drop_down_set_selected (strategy, MMR_STRATEGY_MERGE);
  EXPECT_EQ (mmr_world_get_config (world)->strategy, MMR_STRATEGY_MERGE);
  EXPECT_STREQ (mmr_world_get_config (world)->merge, "set-union");
  Load (kSiblings);
  EXPECT_EQ (g_list_model_get_n_items (items), 2u);
}

// ---- controls ----

TEST_F (Panels, ControlsChangeTheWorld)
{
  GtkWidget *panel = mmr_controls_panel_new ();
  auto child = [&] (const char *name) {
    return gtk_widget_get_template_child (panel, MMR_TYPE_CONTROLS_PANEL,
                                          name);
  };

  Show (panel);
  Load (kSiblings);
  mmr_controls_panel_set_session (MMR_CONTROLS_PANEL (panel), session_);
  MmrWorld *world = mmr_session_get_world (session_);
  GtkDropDown *strategy = GTK_DROP_DOWN (child ("strategy_dropdown"));
  EXPECT_EQ (gtk_drop_down_get_selected (strategy),
             (guint) MMR_STRATEGY_SIBLINGS);
  gtk_drop_down_set_selected (strategy, MMR_STRATEGY_LWW);
  EXPECT_EQ (mmr_world_get_config (world)->strategy, MMR_STRATEGY_LWW);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child ("clock_dropdown")),
                              MMR_CLOCK_LAMPORT);
  EXPECT_EQ (mmr_world_get_config (world)->clock, MMR_CLOCK_LAMPORT);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child ("loss_spin")), 0.25);
  EXPECT_DOUBLE_EQ (mmr_world_get_config (world)->link.loss, 0.25);
  EXPECT_DOUBLE_EQ (mmr_world_get_channel (world, 0, 1)->model.loss, 0.25);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child ("latency_max_spin")),
                             40);
  EXPECT_EQ (mmr_world_get_channel (world, 2, 1)->model.latency_max_us,
             40000);
  EXPECT_EQ (mmr_world_get_channel (world, 2, 1)->model.latency_min_us,
             10000);
  // Min above max drags max along.
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child ("latency_min_spin")),
                             50);
  EXPECT_EQ (mmr_world_get_config (world)->link.latency_max_us, 50000);
  gtk_switch_set_active (GTK_SWITCH (child ("reorder_switch")), TRUE);
  EXPECT_TRUE (mmr_world_get_config (world)->link.reorder);
  // Each change was traced as a CONFIG event.
  guint configs = 0;
  for (guint i = 0; i < mmr_session_get_n_events (session_); i++)
    configs += mmr_session_get_event (session_, i)->ev.kind == MMR_EV_CONFIG;
  EXPECT_EQ (configs, 6u);
  // A restart shows the scenario's values again.
  mmr_session_restart (session_);
  EXPECT_EQ (gtk_drop_down_get_selected (strategy),
             (guint) MMR_STRATEGY_SIBLINGS);
  EXPECT_DOUBLE_EQ (gtk_spin_button_get_value (
                        GTK_SPIN_BUTTON (child ("loss_spin"))), 0);
}

// ---- clocks ----

TEST_F (Panels, ClocksSkewSliderChangesThePhysicalClock)
{
  GtkWidget *panel = mmr_clocks_panel_new ();
  MmrClocksPanel *p = MMR_CLOCKS_PANEL (panel);

  Show (panel);
  Load (kSiblings);
  mmr_clocks_panel_set_session (p, session_);
  MmrWorld *world = mmr_session_get_world (session_);
  GtkWidget *skew = mmr_clocks_panel_get_skew_control (p, 1);
  ASSERT_NE (skew, nullptr);
  EXPECT_EQ (mmr_clocks_panel_get_skew_control (p, 3), nullptr);
  gtk_range_set_value (GTK_RANGE (skew), 2.5);
  EXPECT_EQ (mmr_world_get_physical_clock (world, 1)->offset_us, 2500000);
  EXPECT_EQ (mmr_world_get_physical_clock (world, 0)->offset_us, 0);
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (mmr_clocks_panel_get_drift_control (p, 2)), 200);
  EXPECT_EQ (mmr_world_get_physical_clock (world, 2)->drift_ppm, 200);
  mmr_session_run_to_end (session_);
  gint64 physical;
  guint64 lamport;
  MmrHlc hlc;
  mmr_world_get_clocks (world, 1, &physical, &lamport, &hlc);
  g_autofree char *shown = g_strdup_printf (
      "%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT " s",
      physical / G_USEC_PER_SEC, physical % G_USEC_PER_SEC);
  EXPECT_TRUE (has_label (panel, shown)) << shown;
  EXPECT_TRUE (has_label (panel, "+2.5s, +0 ppm"));
}

TEST_F (Panels, ClocksFollowAScriptedSkewBeyondTheSliderRange)
{
  GtkWidget *panel = mmr_clocks_panel_new ();
  MmrClocksPanel *p = MMR_CLOCKS_PANEL (panel);

  Show (panel);
  Load ("replicas A B\nskew A +30s\nA put x 1\nsettle\n");
  mmr_clocks_panel_set_session (p, session_);
  mmr_session_run_to_end (session_);
  EXPECT_DOUBLE_EQ (
      gtk_range_get_value (GTK_RANGE (mmr_clocks_panel_get_skew_control (p,
                                                                         0))),
      30.0);
  EXPECT_EQ (mmr_world_get_physical_clock (mmr_session_get_world (session_),
                                           0)->offset_us, 30000000);
}

// ---- metrics ----

TEST_F (Panels, MetricsFollowDivergenceAndConvergence)
{
  GtkWidget *panel = mmr_metrics_panel_new ();
  MmrMetricsPanel *p = MMR_METRICS_PANEL (panel);

  Show (panel);
  Load (kPartition);
  mmr_metrics_panel_set_session (p, session_);
  mmr_metrics_panel_set_sample_interval (p, 1);
  mmr_session_run_to_end (session_);
  EXPECT_EQ (mmr_metrics_panel_get_diverging (p), 1u);
  EXPECT_TRUE (has_label (panel, "converging… (healed at 0us)")
               || has_label (panel, "— (no heal yet)"));
  Load ((std::string (kPartition) + "heal\nsettle\n").c_str ());
  while (mmr_session_step_event (session_))
    ;
  EXPECT_EQ (mmr_metrics_panel_get_diverging (p), 0u);
  EXPECT_GT (mmr_metrics_panel_get_n_samples (p), 10u);
  EXPECT_TRUE (has_label (panel, "0 (replicas agree)"));
  EXPECT_TRUE (has_label (panel, "1"));   // one conflict
}

// ---- cost: 7 replicas, 10,000 keys ----

double
ms_since (std::chrono::steady_clock::time_point t0)
{
  return std::chrono::duration<double, std::milli> (
             std::chrono::steady_clock::now () - t0).count ();
}

// One frame of @w: snapshot its render nodes and render them to a texture
// with the window's renderer (cairo here), as a redraw would.
double
render_ms (GtkWidget *w)
{
  auto t0 = std::chrono::steady_clock::now ();
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (w);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (w), height = gtk_widget_get_height (w);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  if (node == nullptr)
    {
      ADD_FAILURE () << G_OBJECT_TYPE_NAME (w) << " drew nothing";
      return 0;
    }
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (w));
  graphene_rect_t area = GRAPHENE_RECT_INIT (0, 0, (float) width,
                                             (float) height);
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node, &area);
  double ms = ms_since (t0);

  g_object_unref (texture);
  gsk_render_node_unref (node);
  return ms;
}

double
median (std::vector<double> v)
{
  std::sort (v.begin (), v.end ());
  return v.empty () ? 0 : v[v.size () / 2];
}

// Prints what one step, one table update and one frame cost with 10,000
// keys on 7 replicas (issue 4: "measure"), and checks the table's update
// costs what changed, not the number of keys.
TEST_F (Panels, StateTableStaysCheapWithTenThousandKeys)
{
  std::string text = "replicas A B C D E F G\nlatency 1ms..5ms\n";
  char line[64];

  for (int k = 0; k < 10000; k++)
    {
      g_snprintf (line, sizeof line, "%c put key%05d v%d\n", 'A' + k % 7, k,
                  k);
      text += line;
    }
  text += "settle\nB put key04242 changed\nC put key04242 other\nsettle\n";
  Load (text.c_str ());
  // The bulk, with no panel attached.
  while (mmr_world_get_metrics (mmr_session_get_world (session_))->writes
             < 10001
         && mmr_session_step_event (session_))
    ;

  auto t0 = std::chrono::steady_clock::now ();
  g_autoptr (MmrStateModel) alone = mmr_state_model_new ();
  mmr_state_model_attach (alone, mmr_session_get_world (session_));
  double model_ms = ms_since (t0);
  mmr_state_model_detach (alone);

  GtkWidget *table = mmr_state_table_new ();
  MmrStateTable *t = MMR_STATE_TABLE (table);
  Show (table);
  t0 = std::chrono::steady_clock::now ();
  mmr_state_table_set_session (t, session_);
  pump ();
  double attach_ms = ms_since (t0);
  EXPECT_EQ (mmr_state_table_get_n_rows (t), 10000u);

  // One event at a time to the end, as playback does; the table's update
  // (flushed by get_model) is timed apart from the engine's step.
  std::vector<double> steps, updates;
  gboolean more = TRUE;
  while (more)
    {
      t0 = std::chrono::steady_clock::now ();
      more = mmr_session_step_event (session_);
      steps.push_back (ms_since (t0));
      t0 = std::chrono::steady_clock::now ();
      mmr_state_table_get_model (t);
      updates.push_back (ms_since (t0));
    }
  std::vector<double> frames;
  wait_frames (table);
  for (int i = 0; i < 5; i++)
    frames.push_back (render_ms (table));
  int row = mmr_state_table_find_row (t, "key04242");
  ASSERT_GE (row, 0);
  g_autofree char *cell = mmr_state_table_dup_cell_text (t, row, 6);
  EXPECT_TRUE (g_strcmp0 (cell, "changed") == 0
               || g_strcmp0 (cell, "other") == 0) << cell;
  EXPECT_FALSE (mmr_state_table_row_differs (t, row));
  double worst = *std::max_element (updates.begin (), updates.end ());
  double mean = 0;
  for (double u : updates)
    mean += u / (double) updates.size ();
  std::printf ("[ bench    ] state table, 10,000 keys x 7 replicas: model "
               "build %.1f ms, attach + first frame %.1f ms; per event: "
               "engine step median %.3f ms, table update mean %.3f ms, "
               "worst %.3f ms over %zu events; one frame median %.1f ms\n",
               model_ms, attach_ms, median (steps), mean, worst,
               updates.size (), median (frames));
  RecordProperty ("model_build_ms", std::to_string (model_ms));
  RecordProperty ("update_worst_ms", std::to_string (worst));
  RecordProperty ("frame_ms", std::to_string (median (frames)));
  // An update re-reads what changed, never all 10,000 keys of 7 replicas.
  EXPECT_LT (worst, model_ms / 3);

  // The other panels on the same world: attaching (each reads the whole
  // log or world once) and one frame each.
  GtkWidget *vv = mmr_vv_view_new ();
  GtkWidget *conflicts = mmr_conflicts_panel_new ();
  GtkWidget *clocks = mmr_clocks_panel_new ();
  GtkWidget *metrics = mmr_metrics_panel_new ();
  GtkWidget *controls = mmr_controls_panel_new ();
  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_attach (GTK_GRID (grid), vv, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), conflicts, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), clocks, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), metrics, 1, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), controls, 2, 1, 1, 1);
  gtk_widget_set_size_request (conflicts, 400, 300);
  Show (grid);
  std::string report;
  auto timed = [&] (const char *name, std::function<void ()> attach,
                    GtkWidget *w) {
    auto start = std::chrono::steady_clock::now ();
    attach ();
    double ms = ms_since (start);
    wait_frames (w);
    std::vector<double> f;
    for (int i = 0; i < 3; i++)
      f.push_back (render_ms (w));
    report += std::string (" ") + name + " "
              + std::to_string ((int) (ms + 0.5)) + "/"
              + std::to_string (median (f)).substr (0, 4);
  };
  timed ("vv", [&] {
    mmr_vv_view_set_session (MMR_VV_VIEW (vv), session_);
    mmr_vv_view_set_key (MMR_VV_VIEW (vv), "key04242");
  }, vv);
  timed ("conflicts", [&] {
    mmr_conflicts_panel_set_session (MMR_CONFLICTS_PANEL (conflicts),
                                     session_);
  }, conflicts);
  timed ("clocks", [&] {
    mmr_clocks_panel_set_session (MMR_CLOCKS_PANEL (clocks), session_);
  }, clocks);
  timed ("metrics", [&] {
    mmr_metrics_panel_set_session (MMR_METRICS_PANEL (metrics), session_);
  }, metrics);
  timed ("controls", [&] {
    mmr_controls_panel_set_session (MMR_CONTROLS_PANEL (controls), session_);
  }, controls);
  std::printf ("[ bench    ] attach ms / one frame ms, %u events:%s\n",
               mmr_session_get_n_events (session_), report.c_str ());
  EXPECT_EQ (mmr_conflicts_panel_get_n_conflicts (
                 MMR_CONFLICTS_PANEL (conflicts)), 1u);
}

} // namespace
