/* version-vector.h - version vectors and dots
 *
 * A version vector maps each replica to the number of writes from that
 * replica that a version (or a replica's knowledge of a key) includes.
 * Replicas are identified by their index in the world (0..15), so the vector
 * is a fixed array: reading "vv.c[i]" is the whole data structure.
 *
 * A dot (replica, counter) names one write: the counter-th write that
 * replica made to a key. A vector "covers" a dot when vv.c[replica] >=
 * counter.  Dots are what let a store tell exactly which siblings a write has
 * seen (docs/conflicts.md, "dotted version vectors").
 *
 * Taught in docs/version-vectors.md and lab 02.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMR_MAX_REPLICAS 16

typedef struct {
  guint32 c[MMR_MAX_REPLICAS];
} MmrVersionVector;

typedef struct {
  guint8 replica;   /* index of the replica that made the write */
  guint32 counter;  /* 1-based; 0 means "no dot" */
} MmrDot;

/* The four possible outcomes of comparing a and b. Exactly one holds. */
typedef enum {
  MMR_VV_EQUAL,
  MMR_VV_DOMINATES,   /* a > b: a has seen everything b has, and more */
  MMR_VV_DOMINATED,   /* a < b */
  MMR_VV_CONCURRENT,  /* each has something the other lacks: a conflict */
} MmrVvOrder;

void        mmr_version_vector_init      (MmrVersionVector *vv);
MmrVvOrder  mmr_version_vector_compare   (const MmrVersionVector *a,
                                          const MmrVersionVector *b);
/* Pointwise max into @into; TRUE if @into grew. */
gboolean    mmr_version_vector_join      (MmrVersionVector *into,
                                          const MmrVersionVector *other);
gboolean    mmr_version_vector_covers    (const MmrVersionVector *vv,
                                          MmrDot dot);
gboolean    mmr_version_vector_leq       (const MmrVersionVector *a,
                                          const MmrVersionVector *b);
gboolean    mmr_version_vector_is_empty  (const MmrVersionVector *vv);
/* Number of non-zero entries: what a sparse encoding would carry. */
guint       mmr_version_vector_n_entries (const MmrVersionVector *vv);
guint64     mmr_version_vector_sum       (const MmrVersionVector *vv);
const char *mmr_vv_order_to_string       (MmrVvOrder order);
/* Total order on dots: by replica, then counter (for sorting). */
int         mmr_dot_compare              (MmrDot a, MmrDot b);
/* "{A:2, B:1}" using @names for replica indices; zero entries omitted. */
char       *mmr_version_vector_to_string (const MmrVersionVector *vv,
                                          const char *const *names);

G_END_DECLS
