/* cmd-lab.c - "mmr lab": list the course's labs, run one or all of them
 *
 *   mmr lab list [--labs-dir DIR]
 *   mmr lab run LAB_DIR [--answers FILE] [--json] [--reveal]
 *   mmr lab run --all [--labs-dir DIR] [--answers-dir DIR] [--json]
 *
 * A lab (or answers file) that fails to parse prints FILE:LINE:COL: message
 * and exits 2 before anything runs; with --all, the other labs still run
 * (and list) and the bad one is reported, exit 2. Otherwise the exit status is 0 only
 * when every step ran, every check held and every question was answered
 * right; 1 otherwise. "--all" grades each lab with its reference answers
 * (LAB_DIR/answers.txt), or with DIR/FOLDER.txt from --answers-dir.
 *
 * Taught in docs/labs.md.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lab/lab-answers.h"
#include "lab/lab-attempts.h"
#include "lab/lab-catalog.h"
#include "lab/lab-report.h"
#include "lab/lab-runner.h"
#include "lab/lab.h"
#include "scenario/report.h"
#include "store/part-file.h"

#define DEFAULT_LABS_DIR "labs"

typedef struct {
  char *labs_dir;
  char *answers;
  char *answers_dir;
  gboolean all;
  gboolean json;
  gboolean reveal;
  char **dirs;
  MmrRunLimits limits;
} LabOptions;

static void
options_clear (LabOptions *o)
{
  g_free (o->labs_dir);
  g_free (o->answers);
  g_free (o->answers_dir);
  g_strfreev (o->dirs);
}

/* Takes @node. */
static void
print_json (JsonNode *node)
{
  g_autofree char *s = mmr_report_json_to_data (node, TRUE);

  puts (s);
  json_node_unref (node);
}

/* ------------------------------------------------------------------ list */

static int
lab_list (const LabOptions *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) labs = mmr_lab_catalog_list (o->labs_dir, &error);
  int rc = MMR_EXIT_OK;

  if (labs == NULL)
    {
      fprintf (stderr, "mmr lab list: %s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  for (guint i = 0; i < labs->len; i++)
    {
      const MmrLabEntry *e = labs->pdata[i];
      GString *concepts = g_string_new (NULL);
      GString *outline = g_string_new (NULL);

      for (guint k = 0; k < e->concepts->len; k++)
        g_string_append_printf (concepts, "%s%s", k > 0 ? ", " : "",
                                (const char *) e->concepts->pdata[k]);
      for (guint k = 0; k < e->outline->len; k++)
        g_string_append_printf (outline, " §%u",
                                g_array_index (e->outline, guint, k));
      printf ("%s  %s\n", e->number, e->title);
      if (e->problem != NULL)
        {
          printf ("    error: %s\n", e->problem);
          rc = MMR_EXIT_USAGE;
        }
      else if (!e->is_runnable)
        printf ("    guide only: no %s yet\n", MMR_LAB_FILE);
      else
        printf ("    %s  (outline%s)\n", concepts->str, outline->str);
      g_string_free (concepts, TRUE);
      g_string_free (outline, TRUE);
    }
  return rc;
}

/* ------------------------------------------------------------------- run */

/* Loads a lab and its answers; NULL with @error set. @answers NULL: none.
 * @must_exist FALSE: a missing answers file means none. */
static MmrLab *
load_lab (const char *dir, const char *answers_path, gboolean must_exist,
          MmrLabAnswers **out_answers, GError **error)
{
  g_autoptr (MmrLab) lab = mmr_lab_load (dir, error);

  *out_answers = NULL;
  if (lab == NULL)
    return NULL;
  if (answers_path == NULL
      || (!must_exist && !g_file_test (answers_path, G_FILE_TEST_EXISTS)))
    return g_steal_pointer (&lab);
  *out_answers = mmr_lab_answers_load (lab, answers_path, error);
  if (*out_answers == NULL)
    return NULL;
  return g_steal_pointer (&lab);
}

/* NULL with @error when a run limit stopped the lab: then no report,
 * and exit 2 as for a lab that cannot run at all. */
static MmrLabRunner *
run_lab (const LabOptions *o, const MmrLab *lab, GError **error)
{
  g_autoptr (MmrLabRunner) runner = mmr_lab_runner_new (lab);

  mmr_lab_runner_set_limits (runner, &o->limits);
  mmr_lab_runner_run (runner);
  if (mmr_lab_runner_get_error (runner) != NULL)
    {
      g_propagate_error (error,
                         g_error_copy (mmr_lab_runner_get_error (runner)));
      return NULL;
    }
  return g_steal_pointer (&runner);
}

static gboolean
passed (const MmrLabRunner *runner, const MmrLabAnswers *answers)
{
  MmrLabTally t;

  mmr_lab_report_tally (runner, answers, &t);
  return mmr_lab_tally_passed (&t);
}

static int
run_one (const LabOptions *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrLabAnswers) answers = NULL;
  g_autoptr (MmrLab) lab = load_lab (o->dirs[0], o->answers, TRUE, &answers,
                                     &error);
  g_autoptr (MmrLabRunner) runner = NULL;
  g_autoptr (MmrLabAttempts) attempts = NULL;

  if (lab == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  if ((runner = run_lab (o, lab, &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  /* Graded answers count as attempts, kept beside them (docs/labs.md,
   * "Attempts"). */
  if (answers != NULL)
    {
      g_autofree char *path = mmr_lab_attempts_path (o->answers);

      attempts = mmr_lab_attempts_load (path, &error);
      if (attempts != NULL)
        mmr_lab_attempts_note (attempts, lab, answers);
      if (attempts == NULL || !mmr_lab_attempts_save (attempts, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return MMR_EXIT_USAGE;
        }
    }
  if (o->json)
    print_json (mmr_lab_report_json_attempts (runner, answers, o->reveal,
                                              attempts));
  else
    {
      g_autofree char *text = mmr_lab_report_text (
          runner, answers, o->reveal, isatty (STDOUT_FILENO));

      fputs (text, stdout);
    }
  return passed (runner, answers) ? MMR_EXIT_OK : MMR_EXIT_FAILED;
}

/* A lab of --all that does not load: its error on stderr and, with
 * --json, an entry of its own, so one bad folder is reported without
 * hiding the others (issue 10). */
static int
report_bad_entry (const MmrLabEntry *e, const GError *error,
                  JsonArray *reports)
{
  fprintf (stderr, "%s\n", error->message);
  if (reports != NULL)
    {
      JsonObject *entry = json_object_new ();
      JsonObject *lab = json_object_new ();

      json_object_set_string_member (lab, "number", e->number);
      json_object_set_string_member (lab, "dir", e->dir);
      json_object_set_object_member (entry, "lab", lab);
      json_object_set_string_member (entry, "error", error->message);
      json_array_add_object_element (reports, entry);
    }
  return MMR_EXIT_USAGE;
}

/* One lab of --all; adds its JSON report to @reports when given. */
static int
run_entry (const LabOptions *o, const MmrLabEntry *e, JsonArray *reports)
{
  gboolean color = isatty (STDOUT_FILENO) && reports == NULL;
  g_autofree char *answers_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrLabAnswers) answers = NULL;
  g_autoptr (MmrLab) lab = NULL;
  g_autoptr (MmrLabRunner) runner = NULL;
  g_autofree char *line = NULL;

  if (o->answers_dir != NULL)
    {
      g_autofree char *name = g_strconcat (e->folder, ".txt", NULL);

      answers_path = g_build_filename (o->answers_dir, name, NULL);
    }
  else
    answers_path = g_build_filename (e->dir, "answers.txt", NULL);
  lab = load_lab (e->dir, answers_path, o->answers_dir == NULL, &answers,
                  &error);
  if (lab == NULL)
    return report_bad_entry (e, error, reports);
  if ((runner = run_lab (o, lab, &error)) == NULL)
    return report_bad_entry (e, error, reports);
  if (reports != NULL)
    {
      json_array_add_element (reports,
                              mmr_lab_report_json (runner, answers, FALSE));
      return passed (runner, answers) ? MMR_EXIT_OK : MMR_EXIT_FAILED;
    }
  line = mmr_lab_report_line (runner, answers, color);
  puts (line);
  if (!passed (runner, answers))
    {
      g_autofree char *text = mmr_lab_report_text (runner, answers, FALSE,
                                                   color);

      fputs (text, stdout);
      fputc ('\n', stdout);
      return MMR_EXIT_FAILED;
    }
  return MMR_EXIT_OK;
}

static int
run_all (const LabOptions *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) labs = mmr_lab_catalog_list (o->labs_dir, &error);
  g_autoptr (JsonArray) reports = o->json ? json_array_new () : NULL;
  guint n_run = 0, n_passed = 0;
  int rc = MMR_EXIT_OK;

  if (labs == NULL)
    {
      fprintf (stderr, "mmr lab run: %s\n", error->message);
      return MMR_EXIT_USAGE;
    }
  for (guint i = 0; i < labs->len; i++)
    {
      const MmrLabEntry *e = labs->pdata[i];
      int r;

      if (!e->is_runnable)
        {
          if (!o->json)
            printf ("skip  %s  %s  (guide only: no %s yet)\n", e->number,
                    e->title, MMR_LAB_FILE);
          continue;
        }
      r = run_entry (o, e, reports);
      n_run++;
      n_passed += r == MMR_EXIT_OK;
      rc = MAX (rc, r);
    }
  if (o->json)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (node, reports);
      print_json (g_steal_pointer (&node));
    }
  else
    printf ("%u of %u labs passed\n", n_passed, n_run);
  return rc;
}

/* ------------------------------------------------------------- commands */

static int
cmd_list (int argc, char **argv)
{
  LabOptions o = { 0 };
  GOptionEntry entries[] = {
    { "labs-dir", 'd', 0, G_OPTION_ARG_FILENAME, &o.labs_dir,
      "Where the labs are (default: labs)", "DIR" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- list the labs");
  g_autoptr (GError) error = NULL;
  int rc;

  g_option_context_set_summary (ctx,
      "Lists every lab of the course: number, title, concepts and the\n"
      "sections of the topic outline it covers.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("mmr lab list");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return mmr_cli_usage_error ("lab list", error->message);
  if (argc > 1)
    rc = mmr_cli_usage_error ("lab list", "unexpected argument");
  else
    {
      if (o.labs_dir == NULL)
        o.labs_dir = g_strdup (DEFAULT_LABS_DIR);
      rc = lab_list (&o);
    }
  options_clear (&o);
  return rc;
}

static int
check_run_options (const LabOptions *o)
{
  guint n = o->dirs != NULL ? g_strv_length (o->dirs) : 0;

  if (o->all && n > 0)
    return mmr_cli_usage_error ("lab run", "give a lab folder or --all, "
                                "not both");
  if (!o->all && n != 1)
    return mmr_cli_usage_error ("lab run", n == 0
                                ? "no lab folder given (or use --all)"
                                : "give exactly one lab folder");
  if (o->all && (o->answers != NULL || o->reveal))
    return mmr_cli_usage_error ("lab run", "--answers and --reveal are for "
                                "one lab; use --answers-dir with --all");
  if (!o->all && o->answers_dir != NULL)
    return mmr_cli_usage_error ("lab run", "--answers-dir is for --all; "
                                "use --answers FILE for one lab");
  return MMR_EXIT_OK;
}

static int
cmd_run (int argc, char **argv)
{
  LabOptions o = { 0 };
  GOptionEntry entries[] = {
    { "answers", 'a', 0, G_OPTION_ARG_FILENAME, &o.answers,
      "Grade the answers in FILE (lines 'STEP.N = answer')", "FILE" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &o.all,
      "Run every lab, each with its reference answers", NULL },
    { "labs-dir", 'd', 0, G_OPTION_ARG_FILENAME, &o.labs_dir,
      "With --all: where the labs are (default: labs)", "DIR" },
    { "answers-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.answers_dir,
      "With --all: grade DIR/FOLDER.txt instead of the reference answers",
      "DIR" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
      "Print the report as JSON", NULL },
    { "reveal", 0, 0, G_OPTION_ARG_NONE, &o.reveal,
      "Show the run's answer to unanswered and wrong questions too "
      "(for instructors)", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.dirs, NULL,
      "LAB_DIR | --all" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- run a lab");
  g_autoptr (GError) error = NULL;
  int rc;

  mmr_run_limits_init_default (&o.limits);
  g_option_context_add_group (ctx, mmr_run_limits_option_group_new (&o.limits));
  g_option_context_set_summary (ctx,
      "Runs every step of the lab in LAB_DIR (labs/NN-topic), evaluates its\n"
      "checks and computes each question's answer from the run, then grades\n"
      "the answers given with --answers. Format: docs/labs.md.");
  g_option_context_set_description (ctx,
      "Exit status: 0 every check holds and every answer is right,\n"
      "1 a check failed or an answer is wrong or missing, 2 bad input or\n"
      "a run limit hit (see --help-limits).\n"
      "Example: mmr lab run labs/02-version-vectors --answers my-answers.txt");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_set_prgname ("mmr lab run");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return mmr_cli_usage_error ("lab run", error->message);
  rc = check_run_options (&o);
  if (rc == MMR_EXIT_OK)
    {
      if (o.labs_dir == NULL)
        o.labs_dir = g_strdup (DEFAULT_LABS_DIR);
      rc = o.all ? run_all (&o) : run_one (&o);
    }
  options_clear (&o);
  return rc;
}

int
mmr_cmd_lab (int argc, char **argv)
{
  static const char usage[] =
    "Usage:\n"
    "  mmr lab list [--labs-dir DIR]\n"
    "  mmr lab run LAB_DIR [--answers FILE] [--json] [--reveal]\n"
    "  mmr lab run --all [--labs-dir DIR] [--answers-dir DIR] [--json]\n"
    "\n"
    "Run 'mmr lab list --help' or 'mmr lab run --help' for details.\n"
    "The lab format and the course map: docs/labs.md\n";

  if (argc < 2)
    {
      fputs (usage, stderr);
      return MMR_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      fputs (usage, stdout);
      return MMR_EXIT_OK;
    }
  if (strcmp (argv[1], "list") == 0)
    return cmd_list (argc - 1, argv + 1);
  if (strcmp (argv[1], "run") == 0)
    {
      /* A durable world's scratch databases go on SIGINT/SIGTERM too. */
      mmr_part_file_install_cleanup ();
      return cmd_run (argc - 1, argv + 1);
    }
  fprintf (stderr, "mmr lab: unknown command '%s'\n\n%s", argv[1], usage);
  return MMR_EXIT_USAGE;
}
