/* run-db-null-test.c - the run database's decoders on an SQL NULL column
 *
 * sqlite3_column_blob returns NULL for a NULL column and for an empty
 * blob, with sqlite3_column_bytes 0: replay hands exactly that to the
 * decoders for every event without versions, kept or superseded dots
 * (nearly all of them), so "mmr replay --events" does it on every line.
 * "NULL + 0" is undefined behaviour in C (C11 6.5.6p8 defines pointer
 * arithmetic only within an array object), and clang's UBSan stops on it.
 *
 * This driver is compiled by clang with -fsanitize=undefined
 * -fno-sanitize-recover=all together with run-db.c and storage-codec.c
 * (tests/record/meson.build), so the test fails the moment any decoder does
 * arithmetic on a NULL pointer again; the project's own compiler (gcc)
 * does not flag it. Plain C, no GoogleTest: exit 0 is a pass.
 */
#include <stdio.h>

#include "record/run-db.h"

static int failures;

static void
expect (int ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "FAIL: %s\n", what);
      failures++;
    }
}

int
main (void)
{
  GArray *dots = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  GArray *met = g_array_new (FALSE, FALSE, sizeof (MmrEventVersion));
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *view = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_view_entry_free);
  MmrVersionVector vv;

  expect (mmr_run_db_decode_dots (NULL, 0, dots) && dots->len == 0,
          "NULL dots decode as no dots");
  expect (mmr_run_db_decode_versions (NULL, 0, met, values) && met->len == 0,
          "NULL versions decode as no versions");
  expect (!mmr_run_db_decode_entries (NULL, 0, "k", view) && view->len == 0,
          "NULL entries are refused (an entries blob has a count)");
  expect (mmr_storage_vv_decode (NULL, 0, &vv) && vv.c[0] == 0,
          "a NULL vector decodes as the empty vector");
  g_array_unref (dots);
  g_array_unref (met);
  g_ptr_array_unref (values);
  g_ptr_array_unref (view);
  if (failures == 0)
    printf ("ok: 4 decoders accept a NULL column without pointer"
            " arithmetic on NULL\n");
  return failures == 0 ? 0 : 1;
}
