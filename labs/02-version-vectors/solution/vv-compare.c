/* vv-compare.c - lab 02's reference solution (see ../starter/vv-compare.h)
 *
 * One pass over the entries, two flags: whether a is ahead of b somewhere
 * and whether b is ahead of a somewhere. Both: concurrent; one: that side
 * dominates; neither: equal. This is the comparison of Parker et al.,
 * "Detection of Mutual Inconsistency in Distributed Systems" (1983).
 */
#include "vv-compare.h"

MmrVvOrder
vv_compare (const MmrVersionVector *a, const MmrVersionVector *b)
{
  gboolean a_ahead = FALSE, b_ahead = FALSE;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      a_ahead |= a->c[i] > b->c[i];
      b_ahead |= b->c[i] > a->c[i];
    }
  if (a_ahead && b_ahead)
    return MMR_VV_CONCURRENT;
  if (a_ahead)
    return MMR_VV_DOMINATES;
  return b_ahead ? MMR_VV_DOMINATED : MMR_VV_EQUAL;
}
