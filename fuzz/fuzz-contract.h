/* fuzz-contract.h - what every parser's error must look like
 *
 * Shared by the libFuzzer targets in fuzz/ (docs/checking.md, "Fuzzing").
 * A parser that fails must say where: "FILE:LINE:COL: message", with
 * LINE and COL from 1, the message valid UTF-8 (it quotes whole
 * characters) and on one line. g_assert stays on in every build, so a
 * broken contract is a crash libFuzzer keeps as a reproducer.
 */
#pragma once

#include <string.h>

#include <glib.h>

/* Skips a decimal number of at least one digit, from 1 up. */
static inline const char *
fuzz_skip_number (const char *p)
{
  const char *start = p;

  while (g_ascii_isdigit (*p))
    p++;
  g_assert (p > start && *start != '0');
  return p;
}

/* @msg is "@file:LINE:COL: ..." for some @file starting with @prefix. */
static inline void
fuzz_check_located (const char *msg, const char *prefix)
{
  const char *p;

  g_assert (g_utf8_validate (msg, -1, NULL));
  g_assert (strchr (msg, '\n') == NULL);
  g_assert (g_str_has_prefix (msg, prefix));
  /* The file name may itself hold ':' - find the ":LINE:COL: " after it. */
  for (p = msg + strlen (prefix); (p = strchr (p, ':')) != NULL; p++)
    {
      const char *q = p + 1;

      if (!g_ascii_isdigit (*q))
        continue;
      q = fuzz_skip_number (q);
      if (*q != ':' || !g_ascii_isdigit (q[1]))
        continue;
      q = fuzz_skip_number (q + 1);
      g_assert (q[0] == ':' && q[1] == ' ' && q[2] != '\0');
      return;
    }
  g_error ("no :LINE:COL: in '%s'", msg);
}
