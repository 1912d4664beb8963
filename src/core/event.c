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
