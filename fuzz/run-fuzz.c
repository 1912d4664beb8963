/* run-fuzz.c - libFuzzer target: parse a scenario, then run it, small
 *
 * What parses must also run: no assertion in the engine may fire, no
 * read out of bounds, no leak, whatever the commands and settings are
 * and in whatever order. A few lines can ask for hours of work ("run
 * 1000000000s"), so every run has small limits (MmrRunLimits: events,
 * virtual time, messages in flight) and hitting one is a result, not a
 * failure. Checked on the way:
 *   - a parse error is "FILE:LINE:COL: ..." (fuzz-contract.h);
 *   - the runner ends: done, or stopped by a limit whose error is
 *     MMR_RUNNER_ERROR_LIMIT and names the file;
 *   - every expectation reached has its line in the script;
 *   - the text report and the JSON report are valid UTF-8, and the JSON
 *     parses (issue 10: "--json is always valid JSON").
 * Replicas run in memory: a scenario asking for durability gets none
 * (mmr_runner_new), so nothing touches the disk.
 *
 * Built with clang by fuzz/build-fuzzers.sh; docs/checking.md
 * ("Fuzzing") has the command that builds and runs it.
 */
#include "fuzz-contract.h"

#include <json-glib/json-glib.h>

#include "scenario/report.h"
#include "scenario/runner.h"

/* Small enough for thousands of runs a second, large enough for every
 * example in docs/examples to finish. */
#define FUZZ_MAX_EVENTS    20000
#define FUZZ_MAX_TIME_US   (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define FUZZ_MAX_IN_FLIGHT 2000

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_reports (MmrRunner *runner)
{
  g_autofree char *text = mmr_report_text (runner, FALSE);
  g_autofree char *json = mmr_report_json_string (runner, FALSE);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert (g_utf8_validate (text, -1, NULL));
  g_assert (g_utf8_validate (json, -1, NULL));
  if (!json_parser_load_from_data (parser, json, -1, &error))
    g_error ("the JSON report does not parse: %s", error->message);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrScript) script = mmr_script_parse ("fuzz.mmr", text, &error);
  g_autoptr (MmrRunner) runner = NULL;
  MmrRunLimits limits = { FUZZ_MAX_EVENTS, FUZZ_MAX_TIME_US,
                          FUZZ_MAX_IN_FLIGHT };
  const GError *stop;
  GPtrArray *expectations;

  if (script == NULL)
    {
      g_assert (error != NULL);
      fuzz_check_located (error->message, "fuzz.mmr");
      return 0;
    }
  runner = mmr_runner_new (script, FALSE, 0);
  mmr_runner_set_limits (runner, &limits);
  mmr_runner_run (runner);
  g_assert (mmr_runner_is_done (runner));
  stop = mmr_runner_get_error (runner);
  if (stop != NULL)
    {
      g_assert (g_error_matches (stop, MMR_RUNNER_ERROR,
                                 MMR_RUNNER_ERROR_LIMIT));
      g_assert (g_str_has_prefix (stop->message, "fuzz.mmr:"));
      return 0;
    }
  expectations = mmr_runner_get_expectations (runner);
  for (guint i = 0; i < expectations->len; i++)
    {
      const MmrExpectation *e = expectations->pdata[i];

      g_assert (e->line >= 1 && e->text != NULL);
    }
  check_reports (runner);
  return 0;
}
