/* version-vector.c - version vectors: compare, join, cover
 *
 * A version vector answers one question: did the write behind version a see
 * the write behind version b?  If every entry of a is >= the entry of b, a
 * includes all of b's history ("dominates" or "equal"); if each has an entry
 * larger than the other's, neither saw the other and the versions are
 * concurrent: a conflict that some strategy must resolve.
 *
 * Interface:
 *   mmr_version_vector_compare  one of equal, dominates, dominated, concurrent
 *   mmr_version_vector_join     entry-wise max: the knowledge of both
 *   mmr_version_vector_covers   has this vector seen that dot (write)?
 *
 * Invariants: join is commutative, associative and idempotent; compare is
 * antisymmetric (compare(a,b) == DOMINATES iff compare(b,a) == DOMINATED).
 * tests/core/version-vector-test.cc checks these laws on random vectors.
 *
 * Taught in docs/version-vectors.md and lab 02.
 */
#include "core/version-vector.h"

#include <string.h>

void
mmr_version_vector_init (MmrVersionVector *vv)
{
  memset (vv, 0, sizeof *vv);
}

/* DOC: vv-compare */
MmrVvOrder
mmr_version_vector_compare (const MmrVersionVector *a,
                            const MmrVersionVector *b)
{
  gboolean a_ahead = FALSE;  /* some entry of a is larger than b's */
  gboolean b_ahead = FALSE;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      if (a->c[i] > b->c[i])
        a_ahead = TRUE;
      else if (a->c[i] < b->c[i])
        b_ahead = TRUE;
    }
  if (a_ahead && b_ahead)
    return MMR_VV_CONCURRENT;
  if (a_ahead)
    return MMR_VV_DOMINATES;
  if (b_ahead)
    return MMR_VV_DOMINATED;
  return MMR_VV_EQUAL;
}

gboolean
mmr_version_vector_join (MmrVersionVector *into,
                         const MmrVersionVector *other)
{
  guint32 grew = 0;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      grew |= other->c[i] > into->c[i];
      into->c[i] = MAX (into->c[i], other->c[i]);
    }
  return grew != 0;
}

gboolean
mmr_version_vector_covers (const MmrVersionVector *vv, MmrDot dot)
{
  g_assert (dot.replica < MMR_MAX_REPLICAS);
  return dot.counter != 0 && vv->c[dot.replica] >= dot.counter;
}

gboolean
mmr_version_vector_leq (const MmrVersionVector *a, const MmrVersionVector *b)
{
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (a->c[i] > b->c[i])
      return FALSE;
  return TRUE;
}

gboolean
mmr_version_vector_is_empty (const MmrVersionVector *vv)
{
  return mmr_version_vector_n_entries (vv) == 0;
}

guint
mmr_version_vector_n_entries (const MmrVersionVector *vv)
{
  guint n = 0;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    n += vv->c[i] != 0;
  return n;
}

guint64
mmr_version_vector_sum (const MmrVersionVector *vv)
{
  guint64 sum = 0;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    sum += vv->c[i];
  return sum;
}

int
mmr_dot_compare (MmrDot a, MmrDot b)
{
  if (a.replica != b.replica)
    return a.replica < b.replica ? -1 : 1;
  if (a.counter != b.counter)
    return a.counter < b.counter ? -1 : 1;
  return 0;
}

const char *
mmr_vv_order_to_string (MmrVvOrder order)
{
  switch (order)
    {
    case MMR_VV_EQUAL: return "equal";
    case MMR_VV_DOMINATES: return "dominates";
    case MMR_VV_DOMINATED: return "dominated";
    case MMR_VV_CONCURRENT: return "concurrent";
    default: g_assert_not_reached ();
    }
}

char *
mmr_version_vector_to_string (const MmrVersionVector *vv,
                              const char *const *names)
{
  GString *s = g_string_new ("{");
  gboolean first = TRUE;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      if (vv->c[i] == 0)
        continue;
      if (!first)
        g_string_append (s, ", ");
      if (names != NULL)
        g_string_append_printf (s, "%s:%u", names[i], vv->c[i]);
      else
        g_string_append_printf (s, "%u:%u", i, vv->c[i]);
      first = FALSE;
    }
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}
