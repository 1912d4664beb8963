/* lab-fuzz.c - libFuzzer target for the lab parser
 *
 * A lab folder may come from anyone (a course, a classmate, a download),
 * and one bad folder once crashed "mmr lab list" for every lab (issue 10,
 * defect 6). mmr_lab_parse_len() must turn any bytes into a lab or a
 * GError. The input is the lab file; the other files it may name (world
 * scenarios, every lab's guide as one guide.md, starter files) are those
 * of the course's labs, copied into one folder by fuzz/build-fuzzers.sh
 * (MMR_FUZZ_LAB_DIR, or the environment variable of that name). Checked
 * on the way:
 *   - exactly one of (lab, error) comes back, in MMR_LAB_ERROR;
 *   - a syntax error is "FILE:LINE:COL: ..." in a file of the folder, an
 *     I/O error names a file of the folder, both valid UTF-8;
 *   - a lab has a title, a step, and every question a world with its
 *     replicas, as lab-parser.c promises;
 *   - an answers file made of the same bytes parses or fails the same
 *     way: "FILE:LINE:COL: ...";
 *   - a lab that parses also runs, with small run limits, to its end or
 *     to a limit (MMR_RUNNER_ERROR_LIMIT), and its text and JSON reports
 *     are valid UTF-8, every answer revealed.
 *
 * Built with clang by fuzz/build-fuzzers.sh; docs/checking.md
 * ("Fuzzing") has the command that builds and runs it.
 */
#include "fuzz-contract.h"

#include <json-glib/json-glib.h>

#include "lab/lab-answers.h"
#include "lab/lab-report.h"
#include "lab/lab-runner.h"
#include "lab/lab.h"

#ifndef MMR_FUZZ_LAB_DIR
#define MMR_FUZZ_LAB_DIR "fuzz-lab"
#endif

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char *
lab_dir (void)
{
  const char *dir = g_getenv ("MMR_FUZZ_LAB_DIR");

  return dir != NULL ? dir : MMR_FUZZ_LAB_DIR;
}

static void
check_lab (const MmrLab *lab)
{
  g_assert (lab->title != NULL && lab->steps->len > 0);
  for (guint s = 0; s < lab->steps->len; s++)
    {
      const MmrLabStep *step = lab->steps->pdata[s];

      g_assert (step->text != NULL && g_utf8_validate (step->text, -1, NULL));
      for (guint i = 0; i < step->questions->len; i++)
        {
          const MmrLabQuestion *q = step->questions->pdata[i];
          const MmrLabWorld *w;

          g_assert (q->world < lab->worlds->len);
          w = lab->worlds->pdata[q->world];
          g_assert (q->replica < (int) w->script->config.n_replicas
                    && q->replica2 < (int) w->script->config.n_replicas);
          g_assert (mmr_lab_find_question (lab, q->id) == q);
        }
    }
}

/* The same bytes as a student's answers to this lab. */
static void
check_answers (const MmrLab *lab, const guint8 *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrLabAnswers) answers = mmr_lab_answers_parse (
      lab, "answers.txt", text, &error);

  g_assert ((answers == NULL) != (error == NULL));
  if (error != NULL)
    fuzz_check_located (error->message, "answers.txt");
}

/* Small: a lab's worlds are small, and thousands of labs a second run. */
static void
check_run (const MmrLab *lab)
{
  MmrRunLimits limits = { 20000, G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC,
                          2000 };
  g_autoptr (MmrLabRunner) runner = mmr_lab_runner_new (lab);
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *json_text = NULL;
  const GError *stop;

  mmr_lab_runner_set_limits (runner, &limits);
  mmr_lab_runner_run (runner);
  stop = mmr_lab_runner_get_error (runner);
  g_assert (stop == NULL
            || g_error_matches (stop, MMR_RUNNER_ERROR,
                                MMR_RUNNER_ERROR_LIMIT));
  text = mmr_lab_report_text (runner, NULL, TRUE, FALSE);
  g_assert (g_utf8_validate (text, -1, NULL));
  json = mmr_lab_report_json (runner, NULL, TRUE);
  json_generator_set_root (gen, json);
  json_text = json_generator_to_data (gen, NULL);
  g_assert (g_utf8_validate (json_text, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *dir = lab_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrLab) lab = mmr_lab_parse_len (dir, (const char *) data, size,
                                              &error);

  if (lab == NULL)
    {
      g_assert (error != NULL && error->domain == MMR_LAB_ERROR);
      if (error->code == MMR_LAB_ERROR_SYNTAX)
        fuzz_check_located (error->message, dir);
      else
        g_assert (g_str_has_prefix (error->message, dir)
                  && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert (error == NULL);
  check_lab (lab);
  check_answers (lab, data, size);
  check_run (lab);
  return 0;
}
