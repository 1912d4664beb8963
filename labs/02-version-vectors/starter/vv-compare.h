/* vv-compare.h - lab 02's implementation exercise: the contract
 *
 * vv_compare tells how two version vectors are ordered. Exactly one of
 * the four outcomes holds for any two vectors (docs/version-vectors.md):
 *
 *   MMR_VV_EQUAL       every entry is the same
 *   MMR_VV_DOMINATES   a >= b in every entry and a > b in at least one:
 *                      a has seen everything b has, and more
 *   MMR_VV_DOMINATED   the other way round
 *   MMR_VV_CONCURRENT  each has an entry larger than the other's: the
 *                      versions were written without seeing each other
 *
 * Entries are indexed by replica, 0..MMR_MAX_REPLICAS-1; a replica a
 * vector has never heard of has the entry 0. Neither vector is changed.
 */
#pragma once

#include "core/version-vector.h"

G_BEGIN_DECLS

MmrVvOrder vv_compare (const MmrVersionVector *a, const MmrVersionVector *b);

G_END_DECLS
