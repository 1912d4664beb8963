/* scenario-fuzz.c - libFuzzer target for the scenario parser
 *
 * mmr_script_parse() reads text a student typed, a course handed out or a
 * shrinker generated, so it must turn any text into a script or a GError:
 * never crash, hang, read out of bounds or leak. This target gives it
 * whatever libFuzzer generates, under AddressSanitizer, UBSan and
 * LeakSanitizer, and checks its contract on the way:
 *   - exactly one of (script, error) comes back, the error
 *     MMR_SCRIPT_ERROR_SYNTAX in MMR_SCRIPT_ERROR;
 *   - the message is "FILE:LINE:COL: ..." with the name we gave, valid
 *     UTF-8 (fuzz-contract.h);
 *   - a script keeps its source text whole (less a leading byte order
 *     mark) and has 2..16 replicas.
 * The input is cut at its first NUL byte: mmr_script_parse takes a C
 * string (NUL bytes in files are mmr_script_load's concern, which
 * reports them where they are).
 *
 * Built with clang by fuzz/build-fuzzers.sh; docs/checking.md
 * ("Fuzzing") has the command that builds and runs it.
 */
#include "fuzz-contract.h"

#include "scenario/script.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrScript) script = mmr_script_parse ("fuzz.mmr", text, &error);

  if (script == NULL)
    {
      g_assert (error != NULL && error->domain == MMR_SCRIPT_ERROR
                && error->code == MMR_SCRIPT_ERROR_SYNTAX);
      fuzz_check_located (error->message, "fuzz.mmr");
      return 0;
    }
  g_assert (error == NULL);
  /* The source is the text, less a byte order mark (parser.c, DOC: bom). */
  g_assert (strcmp (script->source,
                    g_str_has_prefix (text, "\xEF\xBB\xBF") ? text + 3
                                                             : text) == 0);
  g_assert (script->config.n_replicas >= 2
            && script->config.n_replicas <= MMR_MAX_REPLICAS);
  return 0;
}
