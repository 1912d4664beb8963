/* merkle.h - a Merkle tree over a replica's key space
 *
 * Anti-entropy by digest ships one name and one version vector per
 * register, whatever changed. A Merkle tree (Merkle 1987; used for
 * anti-entropy by Dynamo, DeCandia et al. 2007, and Cassandra) lets two
 * replicas find *where* they differ by exchanging hashes of ever smaller
 * parts of the key space, so the cost grows with the difference, not
 * with the size of the store.
 *
 * The tree is a complete binary tree of fixed depth d, numbered like a
 * heap: node 1 is the root, node n has children 2n and 2n+1, and the 2^d
 * leaves are nodes 2^d .. 2^(d+1)-1. Leaf b (node 2^d + b) is a *bucket*:
 * the registers whose name hashes to b (the top d bits of a 64-bit hash
 * of the name). Two replicas must use the same depth.
 *
 *   register hash  h(name, version vector)
 *   leaf hash      sum of its registers' hashes, modulo 2^64 (0 if empty)
 *   inner hash     mix(left, right)   (order matters)
 *
 * A sum is an incremental multiset hash (Clarke et al. 2003): a changed
 * register updates its leaf in O(1) and the path to the root in O(d),
 * with no need to keep each bucket's names sorted. Values are not hashed:
 * equal version vectors mean equal registers (sync/anti-entropy.c) - until
 * the strategy switches between lww and siblings/merge, after which the
 * world has every replica exchange in full mode instead.
 *
 * The message exchange the tree supports is in docs/storage.md ("Merkle
 * anti-entropy") and in mmr_merkle_diff below, which walks it and counts
 * its bytes.
 */
#pragma once

#include <glib.h>

#include "core/version-vector.h"
#include "store/store.h"

G_BEGIN_DECLS

#define MMR_MERKLE_DEFAULT_DEPTH 16
#define MMR_MERKLE_MAX_DEPTH 24
#define MMR_MERKLE_HASH_BYTES 8

typedef struct _MmrMerkle MmrMerkle;

/* An empty tree (every hash 0) of @depth 1..MMR_MERKLE_MAX_DEPTH. */
MmrMerkle *mmr_merkle_new        (guint depth);
/* The tree of every register in @store. */
MmrMerkle *mmr_merkle_new_from_store (const MmrStore *store, guint depth);
void       mmr_merkle_free       (MmrMerkle *tree);

guint      mmr_merkle_get_depth  (const MmrMerkle *tree);
guint32    mmr_merkle_n_buckets  (const MmrMerkle *tree);
guint64    mmr_merkle_root       (const MmrMerkle *tree);
/* @node in 1 .. 2^(depth+1)-1. */
guint64    mmr_merkle_node_hash  (const MmrMerkle *tree, guint32 node);

/* The bucket (0 .. 2^depth-1) of register @name in a tree of @depth. */
guint32    mmr_merkle_bucket_of  (guint depth, const char *name);
/* Hash of one register: what its leaf adds up. */
guint64    mmr_merkle_register_hash (const char *name,
                                     const MmrVersionVector *vv);

/* Register @name changed from @old_vv (NULL: it did not exist) to @new_vv
 * (NULL: it no longer exists). Updates its leaf and the path to the root.
 * For a replica that keeps its tree up to date as it changes. */
void       mmr_merkle_update     (MmrMerkle *tree, const char *name,
                                  const MmrVersionVector *old_vv,
                                  const MmrVersionVector *new_vv);

/* What one tree walk between an initiator and a peer costs. */
typedef struct {
  GArray *buckets;          /* guint32: differing buckets, ascending */
  guint messages;           /* tree-walk messages, both directions */
  guint64 bytes;            /* their total size */
  guint64 nodes_compared;   /* hashes compared, root included */
} MmrMerkleDiff;

void mmr_merkle_diff_clear (MmrMerkleDiff *diff);

/* Compares two trees of equal depth level by level, as the exchange
 * would: only the children of differing nodes are compared. Fills @out
 * (clear it with mmr_merkle_diff_clear) and returns the number of
 * differing buckets. Byte counts follow docs/storage.md's message sizes
 * (mmr_merkle_message_bytes). */
guint mmr_merkle_diff (const MmrMerkle *initiator, const MmrMerkle *peer,
                       MmrMerkleDiff *out);

/* Size of one tree-walk message carrying @n_hashes hashes and a bitmap
 * of @n_bits bits, with the wire format's header (net/wire.h). */
guint64 mmr_merkle_message_bytes (guint n_hashes, guint n_bits);

/* Names of @store's registers that fall in @buckets (ascending, as in
 * MmrMerkleDiff), sorted; borrowed strings in a new array. */
GPtrArray *mmr_merkle_dup_bucket_names (const MmrStore *store, guint depth,
                                        GArray *buckets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrMerkle, mmr_merkle_free)

G_END_DECLS
