/* world-metrics.c - what a run costs: events, messages, bytes
 *
 * The metrics (MmrMetrics, world.h) are counted as the run goes: each
 * event emitted passes through mmr_world_count_event, each pushed write's
 * causality metadata through mmr_world_account_causality, which prices it
 * in the three representations side by side. Counting observes only: it
 * changes nothing a replica does.
 *
 * Interface: mmr_world_get_metrics (world.h); the two counters above
 * (world-private.h). Invariant: conflicts counts distinct conflicts (by
 * mmr_event_conflict_id), however often one is traced.
 *
 * Taught in docs/version-vectors.md and docs/benchmarks.md.
 */
#include "sim/world-private.h"

#include <string.h>

/* Rejections share the conflicts' table (copied and hashed with the
 * world) under their own prefix: a rejection is not a conflict.
 * src/explore/explore-memo.c:/rejected|/ names them the same way to
 * predict the hash. */
static char *
conflict_key (const MmrEvent *ev)
{
  g_autofree char *versions = NULL;

  if (ev->kind == MMR_EV_CONFLICT)
    return mmr_event_conflict_id (ev);
  if (ev->kind != MMR_EV_RESOLVE || ev->rule != MMR_RESOLVE_LWW_REJECTED)
    return NULL;
  versions = mmr_event_conflict_id (ev);
  return g_strconcat ("rejected|", versions, NULL);
}

void
mmr_world_count_event (MmrWorld *w, const MmrEvent *ev)
{
  switch (ev->kind)
    {
    case MMR_EV_WRITE:
    case MMR_EV_DELETE:
    case MMR_EV_OP:
      w->metrics.writes++;
      break;
    case MMR_EV_DELIVER:
      w->metrics.delivered++;
      break;
    case MMR_EV_DROP:
      w->metrics.dropped++;
      break;
    case MMR_EV_DUPLICATE:
      w->metrics.duplicated++;
      break;
    case MMR_EV_CONFLICT:
      if (g_hash_table_add (w->conflict_ids, conflict_key (ev)))
        w->metrics.conflicts++;
      break;
    case MMR_EV_RESOLVE:
      if (ev->rule == MMR_RESOLVE_LWW_REJECTED
          && g_hash_table_add (w->conflict_ids, conflict_key (ev)))
        w->metrics.rejected_newer++;
      break;
    default:
      break;
    }
}

static guint
varint_len (guint64 v)
{
  guint n = 1;

  while (v >= 0x80)
    {
      v >>= 7;
      n++;
    }
  return n;
}

/* DOC: causality-metadata */
/* What the causality metadata of one pushed write costs in each
 * representation, whichever the run uses (docs/version-vectors.md):
 *   vv       one (replica, counter) pair per replica that wrote the key
 *   dvv      the same plus the write's own dot
 *   history  one (replica, counter) id per write the key has seen: the
 *            set a version vector compresses */
/* Bytes of the ids (replica:u8, counter:varint) for counters 1..c. */
static guint64
history_ids_len (guint64 c)
{
  guint64 total = 0, lo = 1, width = 1;

  while (lo <= c)
    {
      guint64 hi = MIN (c, lo * 128 - 1);

      total += (hi - lo + 1) * (1 + width);
      lo *= 128;
      width++;
    }
  return total;
}

void
mmr_world_account_causality (MmrWorld *w, guint from,
                             const MmrVersionVector *regvv)
{
  if (!w->causality.valid || w->causality.from != from
      || memcmp (&w->causality.vv, regvv, sizeof *regvv) != 0)
    {
      guint64 vv = 1, history = 0, n_ids = 0;

      for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
        if (regvv->c[i] != 0)
          {
            vv += 1 + varint_len (regvv->c[i]);
            history += history_ids_len (regvv->c[i]);
            n_ids += regvv->c[i];
          }
      history += varint_len (n_ids);
      w->causality.valid = TRUE;
      w->causality.from = from;
      w->causality.vv = *regvv;
      w->causality.vv_bytes = vv;
      w->causality.dvv_bytes = vv + 1 + varint_len (regvv->c[from]);
      w->causality.history_bytes = history;
    }
  w->metrics.meta_vv_bytes += w->causality.vv_bytes;
  w->metrics.meta_dvv_bytes += w->causality.dvv_bytes;
  w->metrics.meta_history_bytes += w->causality.history_bytes;
}
