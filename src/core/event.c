/* event.c - names of event kinds and resolution rules (see event.h) */
#include "core/event.h"

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

char *
mmr_event_conflict_id (const MmrEvent *ev)
{
  g_autoptr (GArray) dots = g_array_sized_new (FALSE, FALSE, sizeof (MmrDot),
                                               ev->n_versions);
  GString *s = g_string_new (ev->key);

  for (guint i = 0; i < ev->n_versions; i++)
    g_array_append_val (dots, ev->versions[i].dot);
  g_array_sort (dots, dot_ptr_compare);
  for (guint i = 0; i < dots->len; i++)
    g_string_append_printf (s, "|%u:%u", g_array_index (dots, MmrDot, i).replica,
                            g_array_index (dots, MmrDot, i).counter);
  return g_string_free (s, FALSE);
}
