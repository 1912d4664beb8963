/* event.c - names of event kinds and resolution rules (see event.h) */
#include "core/event.h"

#include <stdlib.h>

static const char *const kind_names[MMR_EV_N_KINDS] = {
  "write", "delete", "send", "deliver", "drop", "duplicate", "conflict",
  "resolve", "partition", "heal", "skew", "antientropy", "config", "read",
  "op", "crash", "restart", "refused",
};

const char *
mmr_event_kind_to_string (MmrEventKind kind)
{
  g_return_val_if_fail (kind < MMR_EV_N_KINDS, "?");
  return kind_names[kind];
}

const char *
mmr_resolve_rule_to_string (MmrResolveRule rule)
{
  switch (rule)
    {
    case MMR_RESOLVE_NONE: return "none";
    case MMR_RESOLVE_LWW_TIMESTAMP: return "lww-timestamp";
    case MMR_RESOLVE_LWW_TIEBREAK: return "lww-tiebreak";
    case MMR_RESOLVE_LWW_REJECTED: return "lww-rejected-newer";
    case MMR_RESOLVE_SIBLINGS: return "siblings";
    case MMR_RESOLVE_MERGED: return "merged";
    default: g_assert_not_reached ();
    }
}

static int
dot_ptr_compare (gconstpointer a, gconstpointer b)
{
  return mmr_dot_compare (*(const MmrDot *) a, *(const MmrDot *) b);
}

static void
append_uint (GString *s, guint32 v)
{
  char digits[10];
  guint n = 0;

  do
    digits[n++] = (char) ('0' + v % 10);
  while ((v /= 10) > 0);
  while (n > 0)
    g_string_append_c (s, digits[--n]);
}

/* Every conflict a run detects is named here (and mmr explore reruns the
 * same deliveries in many states): so no printf and, for the usual few
 * versions, no array on the heap. */
char *
mmr_event_conflict_id (const MmrEvent *ev)
{
  MmrDot few[16];
  MmrDot *dots = ev->n_versions <= G_N_ELEMENTS (few)
                 ? few : g_new (MmrDot, ev->n_versions);
  GString *s = g_string_sized_new (32);

  if (ev->key != NULL)
    g_string_append (s, ev->key);
  for (guint i = 0; i < ev->n_versions; i++)
    dots[i] = ev->versions[i].dot;
  qsort (dots, ev->n_versions, sizeof (MmrDot), dot_ptr_compare);
  for (guint i = 0; i < ev->n_versions; i++)
    {
      g_string_append_c (s, '|');
      append_uint (s, dots[i].replica);
      g_string_append_c (s, ':');
      append_uint (s, dots[i].counter);
    }
  if (dots != few)
    g_free (dots);
  return g_string_free (s, FALSE);
}
