// lab-panel-test.cc - the inspector's lab panel, under Xvfb
//
// The Markdown converter (exact markup, and always valid Pango markup), a
// lab's first step, grading right and wrong picks, progress saved to and
// restored from XDG_DATA_HOME/mmr-lab/progress.ini, every course lab
// walked through with its reference answers while the session follows the
// lab's world event for event, and the window's "Lab" tab. Any GLib/GTK
// warning or critical is fatal. XDG_DATA_HOME is a fresh temporary
// folder, set before GLib first reads it.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

extern "C" {
#include "lab/lab-answers.h"
#include "lab/lab-runner.h"
#include "mmr-application.h"
#include "mmr-lab-panel.h"
#include "mmr-markdown-view.h"
#include "mmr-window.h"
}

#include "gui-test-util.h"

namespace {

const char *const kLab01 = "labs/01-async-replication";

char *g_data_home = nullptr;

void
pump ()
{
  for (int i = 0; i < 50 && g_main_context_iteration (nullptr, FALSE); i++)
    ;
}

void
click (GtkWidget *button)
{
  ASSERT_TRUE (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

// The run's answers of a lab, question id -> label, from a runner of our own.
std::vector<std::pair<std::string, std::string>>
computed_answers (const char *dir)
{
  std::vector<std::pair<std::string, std::string>> out;
  g_autoptr (GError) error = nullptr;
  g_autoptr (MmrLab) lab = mmr_lab_load (dir, &error);
  g_autoptr (MmrLabRunner) runner = nullptr;

  EXPECT_NE (lab, nullptr) << (error ? error->message : "");
  if (lab == nullptr)
    return out;
  runner = mmr_lab_runner_new (lab);
  mmr_lab_runner_run (runner);
  for (guint s = 0; s < lab->steps->len; s++)
    {
      const MmrLabStepResult *res = mmr_lab_runner_get_result (runner, s);

      for (guint k = 0; k < res->outcomes->len; k++)
        {
          auto *o = (const MmrLabOutcome *) res->outcomes->pdata[k];

          out.emplace_back (o->question->id, o->answer->label);
        }
    }
  return out;
}

std::string
read_progress_file ()
{
  g_autofree char *path = mmr_lab_panel_dup_progress_path ();
  g_autofree char *text = nullptr;

  if (!g_file_get_contents (path, &text, nullptr, nullptr))
    return "";
  return text;
}

class MmrLabPanelTest : public ::testing::Test {
protected:
  GtkWidget *window = nullptr;
  MmrLabPanel *panel = nullptr;
  std::string lab01 = source_path (kLab01);

  static void SetUpTestSuite ()
  {
    g_setenv ("GSK_RENDERER", "cairo", FALSE);
    g_setenv ("GTK_A11Y", "none", FALSE);
    g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
    ASSERT_TRUE (gtk_init_check ())
        << "no display: run the gui suite under xvfb-run";
    g_log_set_always_fatal ((GLogLevelFlags) (G_LOG_LEVEL_WARNING
                                              | G_LOG_LEVEL_CRITICAL));
  }

  void SetUp () override
  {
    g_autofree char *path = mmr_lab_panel_dup_progress_path ();

    ASSERT_TRUE (g_str_has_prefix (path, g_data_home)) << path;
    g_unlink (path);
    window = gtk_window_new ();
    gtk_window_set_default_size (GTK_WINDOW (window), 500, 700);
    panel = new_panel ();
  }

  void TearDown () override
  {
    gtk_window_destroy (GTK_WINDOW (window));
    pump ();
  }

  // A panel shown in the test window (replacing the previous one).
  MmrLabPanel *new_panel ()
  {
    GtkWidget *scroller = gtk_scrolled_window_new ();
    GtkWidget *p = mmr_lab_panel_new ();

    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), p);
    gtk_window_set_child (GTK_WINDOW (window), scroller);
    gtk_window_present (GTK_WINDOW (window));
    pump ();
    return MMR_LAB_PANEL (p);
  }

  void load (const std::string &dir)
  {
    g_autoptr (GError) error = nullptr;

    ASSERT_TRUE (mmr_lab_panel_load (panel, dir.c_str (), &error))
        << error->message;
    pump ();
  }

  bool sensitive (GtkWidget *w) { return gtk_widget_get_sensitive (w); }
  GtkWidget *run () { return mmr_lab_panel_get_run_button (panel); }
  GtkWidget *check () { return mmr_lab_panel_get_check_button (panel); }
  GtkWidget *next () { return mmr_lab_panel_get_next_button (panel); }
};

}  // namespace

TEST (MmrLabMarkdown, ExactMarkup)
{
  struct { const char *md, *pango; } cases[] = {
    { "plain", "plain" },
    { "a < b & c > d", "a &lt; b &amp; c &gt; d" },
    { "**bold** and *it* and `x<y`",
      "<b>bold</b> and <i>it</i> and <tt>x&lt;y</tt>" },
    { "**bold `code` inside**", "<b>bold <tt>code</tt> inside</b>" },
    { "*unclosed and **also", "*unclosed and **also" },
    { "a * b * c", "a * b * c" },
    { "`*not italic*`", "<tt>*not italic*</tt>" },
    { "\\*escaped\\*", "*escaped*" },
    { "## Step 1: go\n\nline one\nline two\n\nnext",
      "<span weight=\"bold\" size=\"large\">Step 1: go</span>\n\n"
      "line one line two\n\nnext" },
    { "# Big", "<span weight=\"bold\" size=\"x-large\">Big</span>" },
    { "Intro:\n- one\n- **two**\n  more\n\nafter",
      "Intro:\n\n  \u2022 one\n  \u2022 <b>two</b> more\n\nafter" },
    { "1. first\n2. second", "1. first\n2. second" },
    /* The lab's one reader (src/lab/lab-markdown.c): as in a guide's
     * sections, a closing run of '#' is no part of a heading. */
    { "## Step 2 ##", "<span weight=\"bold\" size=\"large\">Step 2</span>" },
    { "text\n```\nmmr run <x>\n```\nend",
      "text\n\n<tt>mmr run &lt;x&gt;</tt>\n\nend" },
    { "", "" },
  };

  for (const auto &c : cases)
    {
      g_autofree char *got = mmr_markdown_view_to_pango (c.md);

      EXPECT_STREQ (got, c.pango) << "markdown: " << c.md;
    }
}

// Every step text of every course lab, and hostile inputs, parse as markup.
TEST (MmrLabMarkdown, AlwaysValidPango)
{
  std::vector<std::string> texts = {
    "<b>not a tag</b> & \"quotes\" 'apos'", "**", "*", "`", "``", "***x***",
    "**a *b** c*", "# \n##\n- \n1. ", "\\", "a\\", "&amp;",
  };
  g_autoptr (GDir) d = g_dir_open (source_path ("labs").c_str (), 0, nullptr);
  const char *name;
  int n_labs = 0;

  while ((name = g_dir_read_name (d)) != nullptr)
    {
      g_autofree char *dir = g_build_filename (source_path ("labs").c_str (),
                                               name, nullptr);
      g_autoptr (MmrLab) lab = mmr_lab_load (dir, nullptr);

      if (lab == nullptr)
        continue;
      n_labs++;
      for (guint s = 0; s < lab->steps->len; s++)
        texts.push_back (((MmrLabStep *) lab->steps->pdata[s])->text);
    }
  EXPECT_GE (n_labs, 12);
  for (const auto &t : texts)
    {
      g_autofree char *markup = mmr_markdown_view_to_pango (t.c_str ());
      g_autoptr (GError) perr = nullptr;

      EXPECT_TRUE (pango_parse_markup (markup, -1, 0, nullptr, nullptr,
                                       nullptr, &perr))
          << t << "\n-> " << markup << "\n" << (perr ? perr->message : "");
    }
}

TEST_F (MmrLabPanelTest, LoadingShowsStepOne)
{
  EXPECT_EQ (mmr_lab_panel_get_step_title (panel), nullptr);
  load (lab01);
  EXPECT_STREQ (mmr_lab_panel_get_step_title (panel),
                "A write is acknowledged at once");
  EXPECT_EQ (mmr_lab_panel_get_step_index (panel), 0u);
  EXPECT_FALSE (mmr_lab_panel_get_step_ran (panel));
  EXPECT_TRUE (sensitive (run ()));
  EXPECT_FALSE (sensitive (check ()));
  EXPECT_FALSE (sensitive (next ()));
}

TEST_F (MmrLabPanelTest, RightAnswersAreMarkedRightAndOpenNext)
{
  auto answers = computed_answers (lab01.c_str ());

  ASSERT_EQ (answers.size (), 12u);
  load (lab01);
  click (run ());
  EXPECT_TRUE (mmr_lab_panel_get_step_ran (panel));
  EXPECT_FALSE (sensitive (run ()));
  EXPECT_FALSE (sensitive (next ()));
  // step 1: 1.1 = absent, 1.2 = no (the run says so; not hard-coded here)
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.1", answers[0].second.c_str ()));
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.2", answers[1].second.c_str ()));
  click (check ());
  for (const char *id : { "1.1", "1.2" })
    {
      GtkWidget *v = mmr_lab_panel_get_verdict_label (panel, id);

      EXPECT_TRUE (g_str_has_prefix (mmr_lab_panel_get_verdict (panel, id),
                                     "Right: "))
          << mmr_lab_panel_get_verdict (panel, id);
      EXPECT_TRUE (gtk_widget_has_css_class (v, "success"));
      EXPECT_FALSE (gtk_widget_has_css_class (v, "error"));
    }
  EXPECT_STREQ (mmr_lab_panel_get_verdict (panel, "1.1"), "Right: absent.");
  EXPECT_TRUE (sensitive (next ()));
  click (next ());
  EXPECT_EQ (mmr_lab_panel_get_step_index (panel), 1u);
  EXPECT_STREQ (mmr_lab_panel_get_step_title (panel),
                "Replication takes a message delay");
  EXPECT_TRUE (sensitive (run ()));
  EXPECT_FALSE (sensitive (next ()));
}

TEST_F (MmrLabPanelTest, AWrongAnswerIsReportedWrong)
{
  load (lab01);
  click (run ());
  // The run says B reads 'absent' right after A's write.
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.1", "hello"));
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.2", "no"));
  EXPECT_FALSE (mmr_lab_panel_choose (panel, "1.1", "not-a-choice"));
  EXPECT_FALSE (mmr_lab_panel_choose (panel, "2.1", "absent"));  // not shown
  click (check ());
  GtkWidget *v = mmr_lab_panel_get_verdict_label (panel, "1.1");

  EXPECT_TRUE (g_str_has_prefix (mmr_lab_panel_get_verdict (panel, "1.1"),
                                 "Wrong: you answered 'hello'; the run says "
                                 "'absent' ("))
      << mmr_lab_panel_get_verdict (panel, "1.1");
  EXPECT_TRUE (gtk_widget_has_css_class (v, "error"));
  EXPECT_STREQ (mmr_lab_panel_get_verdict (panel, "1.2"), "Right: no.");
  EXPECT_FALSE (sensitive (next ()));
  // fixing it opens the way
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.1", "absent"));
  EXPECT_STREQ (mmr_lab_panel_get_verdict (panel, "1.1"), "");
  click (check ());
  EXPECT_TRUE (sensitive (next ()));
}

TEST_F (MmrLabPanelTest, AnUnansweredQuestionIsNotRight)
{
  load (lab01);
  click (run ());
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.2", "no"));
  click (check ());
  EXPECT_STREQ (mmr_lab_panel_get_verdict (panel, "1.1"), "Not answered yet.");
  EXPECT_FALSE (sensitive (next ()));
}

TEST_F (MmrLabPanelTest, ProgressIsSavedAndRestored)
{
  load (lab01);
  click (run ());
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.1", "absent"));
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.2", "no"));
  click (check ());
  click (next ());
  click (run ());
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "2.2", "hello"));

  EXPECT_EQ (read_progress_file (),
             "[01-async-replication]\n"
             "step=2\n"
             "ran=true\n"
             "answers=1.1 = absent\\n1.2 = no\\n2.2 = hello\\n\n");

  // A new panel (a new inspector) comes back to the same place.
  panel = new_panel ();
  load (lab01);
  EXPECT_EQ (mmr_lab_panel_get_step_index (panel), 1u);
  EXPECT_TRUE (mmr_lab_panel_get_step_ran (panel));
  EXPECT_FALSE (sensitive (run ()));
  EXPECT_TRUE (sensitive (check ()));
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "2.1", "absent"));
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "2.3", "yes"));
  click (check ());
  // 2.2 was restored, and the replayed run grades it
  EXPECT_STREQ (mmr_lab_panel_get_verdict (panel, "2.2"), "Right: hello.");
  EXPECT_TRUE (sensitive (next ()));
}

TEST_F (MmrLabPanelTest, ProgressIsPerLabAndSurvivesOtherLabs)
{
  load (lab01);
  click (run ());
  ASSERT_TRUE (mmr_lab_panel_choose (panel, "1.1", "absent"));
  load (source_path ("labs/02-version-vectors"));
  EXPECT_EQ (mmr_lab_panel_get_step_index (panel), 0u);
  EXPECT_FALSE (mmr_lab_panel_get_step_ran (panel));
  click (run ());
  std::string text = read_progress_file ();
  EXPECT_NE (text.find ("[01-async-replication]\nstep=1\nran=true\n"
                        "answers=1.1 = absent\\n\n"), std::string::npos)
      << text;
  EXPECT_NE (text.find ("[02-version-vectors]\nstep=1\nran=true\n"),
            std::string::npos) << text;
}

// Every course lab, every step, with its reference answers; after each
// run the session shows the lab's world with exactly its events.
TEST_F (MmrLabPanelTest, EveryLabPassesWithItsReferenceAnswers)
{
  g_autoptr (MmrSession) session = mmr_session_new ();
  g_autoptr (GDir) d = g_dir_open (source_path ("labs").c_str (), 0, nullptr);
  std::vector<std::string> names;
  const char *name;

  mmr_lab_panel_set_session (panel, session);
  while ((name = g_dir_read_name (d)) != nullptr)
    names.push_back (name);
  std::sort (names.begin (), names.end ());
  int n_labs = 0;

  for (const auto &n : names)
    {
      std::string dir = source_path (("labs/" + n).c_str ());
      g_autofree char *lab_file = g_build_filename (dir.c_str (), "lab.mmrlab",
                                                    nullptr);
      g_autofree char *answers_file = g_build_filename (dir.c_str (),
                                                        "answers.txt", nullptr);

      if (!g_file_test (lab_file, G_FILE_TEST_EXISTS))
        continue;
      SCOPED_TRACE (n);
      n_labs++;
      g_autoptr (MmrLab) lab = mmr_lab_load (dir.c_str (), nullptr);
      ASSERT_NE (lab, nullptr);
      g_autoptr (MmrLabAnswers) ref = mmr_lab_answers_load (lab, answers_file,
                                                            nullptr);
      ASSERT_NE (ref, nullptr);
      g_autoptr (MmrLabRunner) mirror = mmr_lab_runner_new (lab);

      load (dir);
      for (guint s = 0; s < lab->steps->len; s++)
        {
          const MmrLabStep *step = (const MmrLabStep *) lab->steps->pdata[s];

          SCOPED_TRACE ("step " + std::to_string (s + 1));
          ASSERT_EQ (mmr_lab_panel_get_step_index (panel), s);
          click (run ());
          mmr_lab_runner_run_step (mirror);
          MmrWorld *w = mmr_lab_runner_get_world (mirror);
          // Durable worlds (lab 11) get their own temporary databases in
          // the session too, so every lab's state must match.
          if (w != nullptr)
            {
              EXPECT_EQ (mmr_session_get_n_events (session),
                         mmr_world_n_events (w));
              // same replica state: the session replays the same script
              EXPECT_EQ (world_snapshot (mmr_session_get_world (session))
                             .substr (world_snapshot (mmr_session_get_world (
                                          session)).find ('\n')),
                         world_snapshot (w).substr (
                             world_snapshot (w).find ('\n')));
            }
          for (guint k = 0; k < step->questions->len; k++)
            {
              auto *q = (const MmrLabQuestion *) step->questions->pdata[k];
              const MmrLabChoice *c = mmr_lab_answers_lookup (ref, q->id);

              ASSERT_NE (c, nullptr) << q->id;
              ASSERT_TRUE (mmr_lab_panel_choose (panel, q->id, c->label))
                  << q->id << " " << c->label;
            }
          if (step->questions->len > 0)
            {
              click (check ());
              for (guint k = 0; k < step->questions->len; k++)
                {
                  auto *q = (const MmrLabQuestion *) step->questions->pdata[k];

                  EXPECT_TRUE (g_str_has_prefix (
                      mmr_lab_panel_get_verdict (panel, q->id), "Right: "))
                      << q->id << ": "
                      << mmr_lab_panel_get_verdict (panel, q->id);
                }
            }
          if (s + 1 < lab->steps->len)
            click (next ());
          else
            EXPECT_FALSE (sensitive (next ()));
        }
    }
  EXPECT_EQ (n_labs, 12);
}

TEST_F (MmrLabPanelTest, TheWindowShowsALabTabForALabFolder)
{
  g_autoptr (GError) error = nullptr;
  MmrApplication *app = mmr_application_new ();

  ASSERT_TRUE (g_application_register (G_APPLICATION (app), nullptr, &error));
  MmrWindow *win = mmr_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (win));
  pump ();

  // find the notebook and its last page: the lab tab
  auto notebook_of = [] (GtkWidget *root) -> GtkNotebook * {
    std::vector<GtkWidget *> todo = { root };

    while (!todo.empty ())
      {
        GtkWidget *w = todo.back ();

        todo.pop_back ();
        if (GTK_IS_NOTEBOOK (w))
          return GTK_NOTEBOOK (w);
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != nullptr;
             c = gtk_widget_get_next_sibling (c))
          todo.push_back (c);
      }
    return nullptr;
  };
  GtkNotebook *nb = notebook_of (GTK_WIDGET (win));
  ASSERT_NE (nb, nullptr);
  GtkWidget *lab_page = gtk_notebook_get_nth_page (nb, -1);
  EXPECT_STREQ (gtk_notebook_get_tab_label_text (nb, lab_page), "Lab");
  EXPECT_FALSE (gtk_widget_get_visible (lab_page));

  ASSERT_TRUE (mmr_window_open (win, lab01.c_str ()));
  pump ();
  EXPECT_TRUE (gtk_widget_get_visible (lab_page));
  EXPECT_EQ (gtk_notebook_get_current_page (nb),
             gtk_notebook_get_n_pages (nb) - 1);
  MmrSession *session = mmr_window_get_session (win);
  EXPECT_TRUE (g_str_has_suffix (mmr_session_get_filename (session),
                                 "three-masters.mmr"))
      << mmr_session_get_filename (session);
  EXPECT_EQ (mmr_session_get_n_events (session), 0u);

  ASSERT_TRUE (mmr_window_open (
      win, source_path ("docs/examples/demo.mmr").c_str ()));
  EXPECT_FALSE (gtk_widget_get_visible (lab_page));
  gtk_window_destroy (GTK_WINDOW (win));
  pump ();
  g_object_unref (app);
}

namespace {

// XDG_DATA_HOME is set before main (gtest_main's) runs, so before GLib
// first reads and caches it; the folder is removed when the test exits.
struct DataHome {
  DataHome ()
  {
    g_data_home = g_dir_make_tmp ("mmr-lab-panel-test-XXXXXX", nullptr);
    g_setenv ("XDG_DATA_HOME", g_data_home, TRUE);
  }
  ~DataHome ()
  {
    g_autofree char *dir = g_build_filename (g_data_home, "mmr-lab", nullptr);
    g_autofree char *path = g_build_filename (dir, "progress.ini", nullptr);

    g_unlink (path);
    g_rmdir (dir);
    g_rmdir (g_data_home);
    g_free (g_data_home);
  }
} data_home;

}  // namespace
