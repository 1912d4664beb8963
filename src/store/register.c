/* register.c - merging versions of one register: LWW and siblings
 *
 * Both strategies share one representation (see register.h): a version
 * vector of everything seen, and the visible versions, each with its dot.
 *
 * Siblings (a dotted version vector set). Merging incoming state I into
 * local state M keeps
 *   - each local sibling that I has not seen (its dot is not covered by
 *     I's vv) or that I still holds, and
 *   - each incoming sibling that M has not seen;
 * so a version disappears exactly when someone who saw it wrote over it.
 * Concurrent versions are all kept and read back together: the conflict is
 * exposed to the reader, never silently dropped.
 *
 * LWW (last writer wins). The register keeps the one version with the
 * largest (timestamp, logical, replica name, counter). That is a total
 * order, so every replica keeps the same version whatever the order of
 * delivery - which is why LWW converges - but the order is not causality:
 *   - of two concurrent versions one is discarded (a conflict resolved by
 *     timestamp, or by replica name on a tie);
 *   - a write that saw the visible version but carries a smaller
 *     timestamp (its replica's clock runs behind) is discarded too.
 * Either way an acknowledged write vanishes; the trace records it as a
 * RESOLVE event and the lost-write checker (src/sim/checker.c) reports it.
 *
 * Taught in docs/conflicts.md and labs 03, 05 and 07.
 */
#include "store/register.h"

#include <string.h>

MmrRegister *
mmr_register_new (void)
{
  return g_new0 (MmrRegister, 1);
}

void
mmr_version_clear (MmrVersion *v)
{
  g_clear_pointer (&v->value, g_free);
}

void
mmr_version_copy (MmrVersion *dst, const MmrVersion *src)
{
  *dst = *src;
  dst->value = g_strdup (src->value);
}

/* Frees the siblings' array unless it is the inline slot; the versions'
 * values are the caller's business. */
static void
release_array (MmrRegister *reg)
{
  if (reg->siblings != &reg->one)
    g_free (reg->siblings);
  reg->siblings = NULL;
}

static void
clear_siblings (MmrRegister *reg)
{
  for (guint i = 0; i < reg->n_siblings; i++)
    mmr_version_clear (&reg->siblings[i]);
  release_array (reg);
  reg->n_siblings = 0;
}

/* Takes @out (an array of MmrVersion) as the register's siblings; a lone
 * sibling moves into the inline slot. */
static void
adopt_siblings (MmrRegister *reg, GArray *out)
{
  release_array (reg);
  reg->n_siblings = out->len;
  if (out->len == 1)
    {
      reg->one = g_array_index (out, MmrVersion, 0);
      reg->siblings = &reg->one;
      g_array_free (out, TRUE);
    }
  else
    reg->siblings = (MmrVersion *) (void *) g_array_free (out, out->len == 0);
}

void
mmr_register_clear (MmrRegister *reg)
{
  clear_siblings (reg);
}

void
mmr_register_free (MmrRegister *reg)
{
  if (reg == NULL)
    return;
  clear_siblings (reg);
  g_free (reg);
}

MmrVersion *
mmr_register_reset_siblings (MmrRegister *reg, guint n)
{
  clear_siblings (reg);
  reg->n_siblings = n;
  if (n == 1)
    {
      memset (&reg->one, 0, sizeof reg->one);
      reg->siblings = &reg->one;
    }
  else if (n > 1)
    reg->siblings = g_new0 (MmrVersion, n);
  return reg->siblings;
}

void
mmr_register_swap (MmrRegister *a, MmrRegister *b)
{
  MmrRegister tmp = *a;

  *a = *b;
  *b = tmp;
  if (a->siblings == &b->one)
    a->siblings = &a->one;
  if (b->siblings == &a->one)
    b->siblings = &b->one;
}

void
mmr_register_copy_to (const MmrRegister *reg, MmrRegister *dst)
{
  dst->vv = reg->vv;
  mmr_register_reset_siblings (dst, reg->n_siblings);
  for (guint i = 0; i < reg->n_siblings; i++)
    mmr_version_copy (&dst->siblings[i], &reg->siblings[i]);
}

MmrRegister *
mmr_register_copy (const MmrRegister *reg)
{
  MmrRegister *copy = mmr_register_new ();

  mmr_register_copy_to (reg, copy);
  return copy;
}

void
mmr_merge_result_init (MmrMergeResult *r)
{
  /* The arrays are made on the first conflict: most merges have none, and
   * this is the hot path of every remote apply. */
  memset (r, 0, sizeof *r);
}

static void
ensure_arrays (MmrMergeResult *r)
{
  if (r->met == NULL)
    {
      r->met = g_array_new (FALSE, FALSE, sizeof (MmrEventVersion));
      r->kept = g_array_new (FALSE, FALSE, sizeof (MmrDot));
    }
}

void
mmr_merge_result_clear (MmrMergeResult *r)
{
  for (guint i = 0; r->met != NULL && i < r->met->len; i++)
    g_free ((char *) g_array_index (r->met, MmrEventVersion, i).value);
  g_clear_pointer (&r->met, g_array_unref);
  g_clear_pointer (&r->kept, g_array_unref);
}

/* The result keeps its own copy of each value: the version it came from
 * may be freed by the merge that reported it. */
static void
note_met (MmrMergeResult *r, const MmrVersion *v)
{
  MmrEventVersion ev = { v->dot, g_strdup (v->value), v->ts, v->ts_logical,
                         v->hlc };

  ensure_arrays (r);
  g_array_append_val (r->met, ev);
}

/* DOC: lww-order */
int
mmr_version_lww_compare (const MmrVersion *a, const MmrVersion *b,
                         const char *const *names)
{
  int c;

  if (a->ts != b->ts)
    return a->ts < b->ts ? -1 : 1;
  if (a->ts_logical != b->ts_logical)
    return a->ts_logical < b->ts_logical ? -1 : 1;
  /* DOC: lww-tiebreak */
  c = strcmp (names[a->dot.replica], names[b->dot.replica]);
  if (c != 0)
    return c < 0 ? -1 : 1;
  if (a->dot.counter != b->dot.counter)
    return a->dot.counter < b->dot.counter ? -1 : 1;
  return 0;
}


static int
version_dot_cmp (gconstpointer a, gconstpointer b)
{
  return mmr_dot_compare (((const MmrVersion *) a)->dot, ((const MmrVersion *) b)->dot);
}

static gboolean
has_dot (const MmrRegister *reg, MmrDot dot)
{
  for (guint i = 0; i < reg->n_siblings; i++)
    if (mmr_dot_compare (reg->siblings[i].dot, dot) == 0)
      return TRUE;
  return FALSE;
}

/* Replaces the siblings with the single version @v (ownership moves). */
static void
set_single (MmrRegister *reg, MmrVersion *v)
{
  clear_siblings (reg);
  reg->one = *v;
  reg->siblings = &reg->one;
  reg->n_siblings = 1;
  memset (v, 0, sizeof *v);
}

/* Did the writer, whose context is @context, see sibling @s? */
static gboolean
context_saw (const MmrRegister *reg, const MmrMergePolicy *policy,
             const MmrVersionVector *context, const MmrVersion *s)
{
  if (context == NULL)
    return TRUE;
  /* DOC: vv-context */
  if (policy->causality == MMR_CAUSALITY_VV)
    return mmr_version_vector_leq (&reg->vv, context);
  /* DOC: dvv-context */
  return mmr_version_vector_covers (context, s->dot);
}

/* The LWW-largest of the register's siblings; NULL when there are none. */
static const MmrVersion *
lww_max (const MmrRegister *reg, const MmrMergePolicy *policy)
{
  const MmrVersion *best = NULL;

  for (guint i = 0; i < reg->n_siblings; i++)
    if (best == NULL
        || mmr_version_lww_compare (&reg->siblings[i], best,
                                    policy->names) > 0)
      best = &reg->siblings[i];
  return best;
}

/* Why the winner won against a loser that it did not see. */
static MmrResolveRule
lww_rule (const MmrVersion *w, const MmrVersion *l)
{
  if (w->ts != l->ts || w->ts_logical != l->ts_logical)
    return MMR_RESOLVE_LWW_TIMESTAMP;
  return MMR_RESOLVE_LWW_TIEBREAK;
}

/* What register.h promises of one register, checked where it must hold:
 * cheap, so on in every build. */
static void
assert_invariants (const MmrRegister *reg, const MmrMergePolicy *policy)
{
  g_assert (policy->strategy != MMR_STRATEGY_LWW || reg->n_siblings <= 1);
  g_assert ((reg->n_siblings == 0) == (reg->siblings == NULL));
  g_assert (reg->n_siblings != 1 || reg->siblings == &reg->one);
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      g_assert (mmr_version_vector_covers (&reg->vv, reg->siblings[i].dot));
      g_assert (i == 0 || mmr_dot_compare (reg->siblings[i - 1].dot,
                                           reg->siblings[i].dot) < 0);
    }
}

/* LWW: the write competes with the LWW-largest visible version, @best.
 * Normally the only one; after a switch to lww a replica resolves its
 * siblings at once (mmr_register_resolve_lww), but the function stays
 * total: a winning write supersedes every version it saw, each listed. */
static gboolean
local_write_lww (MmrRegister *reg, const MmrMergePolicy *policy,
                 guint replica, MmrVersion *v,
                 const MmrVersionVector *context, GArray *superseded,
                 MmrMergeResult *result)
{
  const MmrVersion *best = lww_max (reg, policy);
  gboolean saw_best = best != NULL && context_saw (reg, policy, context, best);
  GArray *unseen = g_array_new (FALSE, FALSE, sizeof (guint));

  /* Decide what the writer saw before its own dot joins the vector. */
  for (guint i = 0; i < reg->n_siblings; i++)
    if (!context_saw (reg, policy, context, &reg->siblings[i]))
      g_array_append_val (unseen, i);
  reg->vv.c[replica] = v->dot.counter;
  if (best != NULL && mmr_version_lww_compare (v, best, policy->names) < 0)
    {
      /* The visible version sorts after the write. If the write saw it,
       * its clock is behind; either way LWW discards the write. */
      result->conflict = TRUE;
      result->rule = saw_best ? MMR_RESOLVE_LWW_REJECTED : lww_rule (best, v);
      for (guint i = 0; i < reg->n_siblings; i++)
        note_met (result, &reg->siblings[i]);
      note_met (result, v);
      g_array_append_val (result->kept, best->dot);
      mmr_version_clear (v);
      if (reg->n_siblings > 1)
        {
          MmrVersion keep;

          mmr_version_copy (&keep, best);
          set_single (reg, &keep);
        }
      g_array_unref (unseen);
      return FALSE;
    }
  {
    guint u = 0;

    for (guint i = 0; i < reg->n_siblings; i++)
      if (u < unseen->len && g_array_index (unseen, guint, u) == i)
        u++;
      else
        g_array_append_val (superseded, reg->siblings[i].dot);
  }
  if (unseen->len > 0)
    {
      const MmrVersion *largest_unseen = NULL;

      for (guint u = 0; u < unseen->len; u++)
        {
          const MmrVersion *s = &reg->siblings[g_array_index (unseen, guint, u)];

          note_met (result, s);
          if (largest_unseen == NULL
              || mmr_version_lww_compare (s, largest_unseen, policy->names) > 0)
            largest_unseen = s;
        }
      result->conflict = TRUE;
      result->rule = lww_rule (v, largest_unseen);
      note_met (result, v);
      g_array_append_val (result->kept, v->dot);
    }
  g_array_unref (unseen);
  set_single (reg, v);
  return TRUE;
}

/* DOC: local-write */
gboolean
mmr_register_local_write (MmrRegister *reg, const MmrMergePolicy *policy,
                          guint replica, const MmrVersion *version_template,
                          const MmrVersionVector *context, MmrDot *out_dot,
                          GArray *superseded, MmrMergeResult *result)
{
  GArray *out;
  MmrVersion v;
  gboolean concurrent = FALSE;

  g_return_val_if_fail (replica < MMR_MAX_REPLICAS, FALSE);
  mmr_version_copy (&v, version_template);
  v.dot.replica = (guint8) replica;
  if (v.dot.counter == 0)
    v.dot.counter = reg->vv.c[replica] + 1;
  /* A dot names one write: a counter the vector already covers was
   * issued before (DOC: issued-dot-is-new). */
  g_assert (v.dot.counter > reg->vv.c[replica]);
  *out_dot = v.dot;
  result->changed = TRUE;

  if (policy->strategy == MMR_STRATEGY_LWW && reg->n_siblings == 0)
    {
      /* Nothing visible to compete with: the write stands alone. */
      reg->vv.c[replica] = v.dot.counter;
      set_single (reg, &v);
      return TRUE;
    }
  if (policy->strategy == MMR_STRATEGY_LWW)
    {
      gboolean visible = local_write_lww (reg, policy, replica, &v, context,
                                          superseded, result);

      assert_invariants (reg, policy);
      return visible;
    }
  /* Siblings (and merge): keep what the writer did not see. */
  out = g_array_sized_new (FALSE, FALSE, sizeof (MmrVersion),
                           reg->n_siblings + 1);
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      MmrVersion *s = &reg->siblings[i];

      if (context_saw (reg, policy, context, s))
        {
          g_array_append_val (superseded, s->dot);
          mmr_version_clear (s);
        }
      else
        {
          g_array_append_val (out, *s);
          concurrent = TRUE;
        }
    }
  reg->vv.c[replica] = v.dot.counter;
  g_array_append_val (out, v);
  g_array_sort (out, version_dot_cmp);
  adopt_siblings (reg, out);
  if (concurrent)
    {
      result->conflict = TRUE;
      result->rule = policy->strategy == MMR_STRATEGY_MERGE
                     ? MMR_RESOLVE_MERGED : MMR_RESOLVE_SIBLINGS;
      for (guint i = 0; i < reg->n_siblings; i++)
        {
          note_met (result, &reg->siblings[i]);
          g_array_append_val (result->kept, reg->siblings[i].dot);
        }
    }
  assert_invariants (reg, policy);
  return TRUE;
}

static void
merge_siblings (MmrRegister *reg, const MmrMergePolicy *policy,
                const MmrRegister *in, MmrMergeResult *r)
{
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (MmrVersion),
                                   reg->n_siblings + in->n_siblings);
  gboolean kept_unseen_local = FALSE, added = FALSE, removed = FALSE;

  for (guint i = 0; i < reg->n_siblings; i++)
    {
      MmrVersion *m = &reg->siblings[i];

      if (!mmr_version_vector_covers (&in->vv, m->dot) || has_dot (in, m->dot))
        {
          kept_unseen_local |= !has_dot (in, m->dot);
          g_array_append_val (out, *m);
        }
      else
        {
          mmr_version_clear (m);   /* seen and written over by the sender */
          removed = TRUE;
        }
    }
  for (guint i = 0; i < in->n_siblings; i++)
    {
      const MmrVersion *t = &in->siblings[i];
      MmrVersion copy;

      if (mmr_version_vector_covers (&reg->vv, t->dot))
        continue;
      mmr_version_copy (&copy, t);
      g_array_append_val (out, copy);
      added = TRUE;
    }
  g_array_sort (out, version_dot_cmp);
  adopt_siblings (reg, out);
  r->changed |= added || removed;
  /* DOC: siblings-conflict */
  if (added && kept_unseen_local && reg->n_siblings > 1)
    {
      r->conflict = TRUE;
      r->rule = policy->strategy == MMR_STRATEGY_MERGE
                ? MMR_RESOLVE_MERGED : MMR_RESOLVE_SIBLINGS;
      for (guint i = 0; i < reg->n_siblings; i++)
        {
          note_met (r, &reg->siblings[i]);
          g_array_append_val (r->kept, reg->siblings[i].dot);
        }
    }
}

static void
merge_lww (MmrRegister *reg, const MmrMergePolicy *policy,
           const MmrRegister *in, MmrMergeResult *r)
{
  const MmrVersion *best = reg->n_siblings > 0 ? &reg->siblings[0] : NULL;
  const MmrVersion *mine = best;
  gboolean any_new = FALSE;

  g_assert (reg->n_siblings <= 1);
  for (guint i = 0; i < in->n_siblings; i++)
    {
      const MmrVersion *t = &in->siblings[i];
      gboolean seen = mmr_version_vector_covers (&reg->vv, t->dot);

      any_new |= !seen;
      /* DOC: lww-join */
      /* The register keeps the LWW-largest version either side holds:
       * max is a join, so every order of delivery ends the same. A
       * version seen here before normally lost here already, so it
       * cannot win; it can only after a switch of strategy (a write that
       * replaced it under siblings with a smaller timestamp). */
      if (best == NULL || mmr_version_lww_compare (t, best, policy->names) > 0)
        {
          best = t;
          any_new |= seen;
        }
    }
  if (!any_new)
    return;
  r->changed = TRUE;
  if (mine != NULL && best == mine)
    {
      /* Every newcomer lost. A newcomer that had seen mine lost only
       * because its clock was behind. */
      r->conflict = TRUE;
      note_met (r, mine);
      for (guint i = 0; i < in->n_siblings; i++)
        if (!mmr_version_vector_covers (&reg->vv, in->siblings[i].dot))
          {
            note_met (r, &in->siblings[i]);
            r->rule = mmr_version_vector_covers (&in->vv, mine->dot)
                      ? MMR_RESOLVE_LWW_REJECTED
                      : lww_rule (mine, &in->siblings[i]);
          }
      ensure_arrays (r);
      g_array_append_val (r->kept, mine->dot);
      return;
    }
  if (mine != NULL && !mmr_version_vector_covers (&in->vv, mine->dot))
    {
      /* The winner never saw mine: concurrent, and mine is discarded. */
      r->conflict = TRUE;
      r->rule = lww_rule (best, mine);
      note_met (r, mine);
      note_met (r, best);
      ensure_arrays (r);
      g_array_append_val (r->kept, best->dot);
    }
  {
    MmrVersion copy;

    mmr_version_copy (&copy, best);
    set_single (reg, &copy);
  }
}

/* ---- the merge's postcondition (register.h) ----
 *
 * Checked from what the two sides held before, by the rule's definition
 * rather than by the code that applies it. It costs a copy of the local
 * side and a pass over both, as much as the merge itself, so it runs in
 * debug and debugoptimized builds and is compiled out in release (meson
 * defines NDEBUG there: b_ndebug=if-release). */
#ifdef NDEBUG
#define CHECK_MERGES 0
#else
#define CHECK_MERGES 1
#endif

#define BEFORE_INLINE 4

/* The local side before the merge: its vector and its siblings' dots and
 * LWW keys (the values are not kept: the rule never reads them). */
typedef struct {
  MmrVersionVector vv;
  guint n;
  MmrVersion *siblings;               /* n of them: inline or owned */
  MmrVersion inline_siblings[BEFORE_INLINE];
} Before;

static void
before_take (Before *b, const MmrRegister *reg, const MmrMergePolicy *policy)
{
  /* LWW's rule reads no vector: the remote apply, LWW's hot path, then
   * pays for a copy of one version only. */
  if (policy->strategy != MMR_STRATEGY_LWW)
    b->vv = reg->vv;
  b->n = reg->n_siblings;
  b->siblings = b->n <= BEFORE_INLINE ? b->inline_siblings
                                      : g_new (MmrVersion, b->n);
  for (guint i = 0; i < b->n; i++)
    {
      b->siblings[i] = reg->siblings[i];
      b->siblings[i].value = NULL;
    }
}

static void
before_clear (Before *b)
{
  if (b->siblings != b->inline_siblings)
    g_free (b->siblings);
}

static gboolean
holds (const MmrVersion *siblings, guint n, MmrDot dot)
{
  for (guint i = 0; i < n; i++)
    if (mmr_dot_compare (siblings[i].dot, dot) == 0)
      return TRUE;
  return FALSE;
}

/* Does the side (@vv, @siblings) keep @dot in a join: it has not seen it,
 * or it still holds it? */
static gboolean
side_keeps (const MmrVersionVector *vv, const MmrVersion *siblings, guint n,
            MmrDot dot)
{
  return !mmr_version_vector_covers (vv, dot) || holds (siblings, n, dot);
}

static void
check_merge_lww (const MmrRegister *reg, const MmrMergePolicy *policy,
                 const MmrRegister *in, const Before *b)
{
  const MmrVersion *best = NULL;

  for (guint i = 0; i < b->n + in->n_siblings; i++)
    {
      const MmrVersion *v = i < b->n ? &b->siblings[i]
                                     : &in->siblings[i - b->n];

      if (best == NULL || mmr_version_lww_compare (v, best, policy->names) > 0)
        best = v;
    }
  g_assert_cmpuint (reg->n_siblings, ==, best != NULL ? 1 : 0);
  g_assert (best == NULL
            || mmr_dot_compare (reg->siblings[0].dot, best->dot) == 0);
}

static void
check_merge_siblings (const MmrRegister *reg, const MmrRegister *in,
                      const Before *b)
{
  guint expected = 0;

  for (guint i = 0; i < b->n; i++)
    if (side_keeps (&in->vv, in->siblings, in->n_siblings,
                    b->siblings[i].dot))
      {
        g_assert (holds (reg->siblings, reg->n_siblings, b->siblings[i].dot));
        expected++;
      }
  for (guint i = 0; i < in->n_siblings; i++)
    {
      MmrDot dot = in->siblings[i].dot;

      if (holds (b->siblings, b->n, dot))
        continue;                       /* counted with the local side */
      if (!mmr_version_vector_covers (&b->vv, dot))
        {
          g_assert (holds (reg->siblings, reg->n_siblings, dot));
          expected++;
        }
    }
  /* ... and nothing else: no version the rule drops survives. */
  g_assert_cmpuint (reg->n_siblings, ==, expected);
}

/* DOC: merge-postcondition */
static void
check_merge (const MmrRegister *reg, const MmrMergePolicy *policy,
             const MmrRegister *in, const Before *b)
{
  if (policy->strategy == MMR_STRATEGY_LWW)
    check_merge_lww (reg, policy, in, b);
  else
    check_merge_siblings (reg, in, b);
}

gboolean
mmr_register_same_dots (const MmrRegister *a, const MmrRegister *b)
{
  if (a->n_siblings != b->n_siblings)
    return FALSE;
  for (guint i = 0; i < a->n_siblings; i++)
    if (mmr_dot_compare (a->siblings[i].dot, b->siblings[i].dot) != 0)
      return FALSE;
  return TRUE;
}

/* DOC: register-merge */
void
mmr_register_merge (MmrRegister *reg, const MmrMergePolicy *policy,
                    const MmrRegister *incoming, MmrMergeResult *result)
{
  gboolean same_vv = !policy->is_switched
                     && memcmp (&reg->vv, &incoming->vv, sizeof reg->vv) == 0;
  Before before;

  if (CHECK_MERGES)
    before_take (&before, reg, policy);
  if (policy->strategy == MMR_STRATEGY_LWW)
    merge_lww (reg, policy, incoming, result);
  else
    merge_siblings (reg, policy, incoming, result);
  if (mmr_version_vector_join (&reg->vv, &incoming->vv))
    result->changed = TRUE;
  /* DOC: vv-determines-siblings */
  g_assert (!same_vv || mmr_register_same_dots (reg, incoming));
  assert_invariants (reg, policy);
  if (CHECK_MERGES)
    {
      check_merge (reg, policy, incoming, &before);
      before_clear (&before);
    }
}

/* DOC: resolve-lww */
gboolean
mmr_register_resolve_lww (MmrRegister *reg, const MmrMergePolicy *policy,
                          MmrMergeResult *result)
{
  const MmrVersion *best = lww_max (reg, policy);
  const MmrVersion *runner_up = NULL;
  MmrVersion keep;

  if (reg->n_siblings <= 1)
    return FALSE;
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      const MmrVersion *s = &reg->siblings[i];

      note_met (result, s);
      if (s != best && (runner_up == NULL
                        || mmr_version_lww_compare (s, runner_up,
                                                    policy->names) > 0))
        runner_up = s;
    }
  result->changed = TRUE;
  result->conflict = TRUE;
  result->rule = lww_rule (best, runner_up);
  g_array_append_val (result->kept, best->dot);
  mmr_version_copy (&keep, best);
  set_single (reg, &keep);
  assert_invariants (reg, policy);
  return TRUE;
}

gboolean
mmr_register_is_absent (const MmrRegister *reg)
{
  for (guint i = 0; i < reg->n_siblings; i++)
    if (reg->siblings[i].value != NULL)
      return FALSE;
  return TRUE;
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
mmr_register_visible_values (const MmrRegister *reg)
{
  GPtrArray *values = g_ptr_array_new ();

  for (guint i = 0; i < reg->n_siblings; i++)
    if (reg->siblings[i].value != NULL)
      g_ptr_array_add (values, reg->siblings[i].value);
  g_ptr_array_sort (values, str_ptr_cmp);
  for (guint i = 1; i < values->len;)
    if (strcmp (values->pdata[i - 1], values->pdata[i]) == 0)
      g_ptr_array_remove_index (values, i);
    else
      i++;
  return values;
}
