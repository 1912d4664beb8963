/* merkle.c - a Merkle tree over the key space, and the walk that compares
 * two of them (see merkle.h for the tree, docs/storage.md for the
 * exchange)
 *
 * Interface: new / new_from_store / free, root / node_hash, bucket_of,
 * register_hash, update (incremental), diff (the level-by-level walk and
 * its byte count), dup_bucket_names (what the last phase ships).
 *
 * The exchange, initiator R and peer P, trees of equal depth d:
 *
 *   R -> P  MERKLE_ROOT   depth, R's root hash
 *   P -> R  MERKLE_NODES  level 1: P's hashes of the root's 2 children
 *                         (no hashes at all if the roots are equal: the
 *                         exchange is clean and ends here)
 *   R -> P  MERKLE_WANT   level 1: one bit per child sent, set when R's
 *                         hash differs
 *   P -> R  MERKLE_NODES  level 2: the 2 children of each wanted node
 *   ...                   one NODES/WANT pair per level, down to level d
 *   R -> P  (the last WANT names the differing buckets)
 *   R -> P  DIGEST        name and vv of R's registers in those buckets
 *   P -> R  DIGEST_REPLY  registers R lacks there, names P lacks
 *   R -> P  STATE         the registers P asked for
 *
 * The last three messages are the digest exchange of anti-entropy.c,
 * restricted to the differing buckets. The walk costs about
 * 2 x 8 bytes x (differing nodes) and d round trips; a Dynamo-style
 * implementation trades round trips for bytes by sending several levels
 * per message (docs/storage.md, "Exercises").
 *
 * Invariants: a tree's hashes depend only on the set of (name, vv) pairs,
 * not on insertion order; mmr_merkle_update keeps a tree equal to the one
 * mmr_merkle_new_from_store would build; two stores with equal
 * (name, vv) sets have equal roots.
 */
#include "sync/merkle.h"

#include <stdlib.h>
#include <string.h>

/* Wire header of a message (net/wire.h): version, type, a Lamport clock,
 * an HLC and an exchange id. 12 bytes is its typical size in a run;
 * counted for every tree-walk message. */
#define HEADER_BYTES 12

struct _MmrMerkle {
  guint depth;
  guint64 *nodes;   /* 2^(depth+1) entries; [0] unused */
};

/* The finaliser of MurmurHash3: spreads every input bit over the word. */
static guint64
mix64 (guint64 h)
{
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return h;
}

/* FNV-1a over the name's bytes, then mixed: a fixed 64-bit hash, equal on
 * every machine (unlike g_str_hash, which is 32-bit). */
static guint64
name_hash (const char *name)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const guint8 *p = (const guint8 *) name; *p; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);
  return mix64 (h);
}

/* DOC: merkle-register-hash */
guint64
mmr_merkle_register_hash (const char *name, const MmrVersionVector *vv)
{
  guint64 h = name_hash (name);

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (vv->c[i] != 0)
      h = mix64 (h ^ (((guint64) i << 32) | vv->c[i]));
  return h;
}

guint32
mmr_merkle_bucket_of (guint depth, const char *name)
{
  g_return_val_if_fail (depth >= 1 && depth <= MMR_MERKLE_MAX_DEPTH, 0);
  return (guint32) (name_hash (name) >> (64 - depth));
}

static guint64
inner_hash (guint64 left, guint64 right)
{
  if (left == 0 && right == 0)
    return 0;   /* an empty subtree hashes to 0 at every height */
  return mix64 (left ^ mix64 (right + G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));
}

MmrMerkle *
mmr_merkle_new (guint depth)
{
  MmrMerkle *t;

  g_return_val_if_fail (depth >= 1 && depth <= MMR_MERKLE_MAX_DEPTH, NULL);
  t = g_new0 (MmrMerkle, 1);
  t->depth = depth;
  t->nodes = g_new0 (guint64, (gsize) 2 << depth);
  return t;
}

void
mmr_merkle_free (MmrMerkle *tree)
{
  if (tree == NULL)
    return;
  g_free (tree->nodes);
  g_free (tree);
}

static void
add_register_cb (gpointer key, gpointer value, gpointer user_data)
{
  MmrMerkle *t = user_data;
  const MmrRegister *reg = value;
  guint32 leaf = ((guint32) 1 << t->depth) + mmr_merkle_bucket_of (t->depth,
                                                                   key);

  t->nodes[leaf] += mmr_merkle_register_hash (key, &reg->vv);
}

MmrMerkle *
mmr_merkle_new_from_store (const MmrStore *store, guint depth)
{
  MmrMerkle *t = mmr_merkle_new (depth);

  mmr_store_foreach (store, add_register_cb, t);
  for (guint32 n = ((guint32) 1 << depth) - 1; n >= 1; n--)
    t->nodes[n] = inner_hash (t->nodes[2 * n], t->nodes[2 * n + 1]);
  return t;
}

guint
mmr_merkle_get_depth (const MmrMerkle *tree)
{
  return tree->depth;
}

guint32
mmr_merkle_n_buckets (const MmrMerkle *tree)
{
  return (guint32) 1 << tree->depth;
}

guint64
mmr_merkle_root (const MmrMerkle *tree)
{
  return tree->nodes[1];
}

guint64
mmr_merkle_node_hash (const MmrMerkle *tree, guint32 node)
{
  g_return_val_if_fail (node >= 1 && node < ((guint32) 2 << tree->depth), 0);
  return tree->nodes[node];
}

/* DOC: merkle-update */
void
mmr_merkle_update (MmrMerkle *tree, const char *name,
                   const MmrVersionVector *old_vv,
                   const MmrVersionVector *new_vv)
{
  guint32 n = ((guint32) 1 << tree->depth)
              + mmr_merkle_bucket_of (tree->depth, name);

  if (old_vv != NULL)
    tree->nodes[n] -= mmr_merkle_register_hash (name, old_vv);
  if (new_vv != NULL)
    tree->nodes[n] += mmr_merkle_register_hash (name, new_vv);
  for (n /= 2; n >= 1; n /= 2)
    tree->nodes[n] = inner_hash (tree->nodes[2 * n], tree->nodes[2 * n + 1]);
}

void
mmr_merkle_diff_clear (MmrMerkleDiff *diff)
{
  g_clear_pointer (&diff->buckets, g_array_unref);
  memset (diff, 0, sizeof *diff);
}

static guint
varint_bytes (guint64 v)
{
  guint n = 1;

  while (v >= 0x80)
    {
      v >>= 7;
      n++;
    }
  return n;
}

/* DOC: merkle-message-size */
guint64
mmr_merkle_message_bytes (guint n_hashes, guint n_bits)
{
  guint64 bytes = HEADER_BYTES + 1;   /* + depth or level: one byte */

  if (n_hashes > 0)
    bytes += varint_bytes (n_hashes) + (guint64) n_hashes
                                         * MMR_MERKLE_HASH_BYTES;
  if (n_bits > 0)
    bytes += varint_bytes (n_bits) + (n_bits + 7) / 8;
  return bytes;
}

/* One level of the walk: the peer sends its hashes of the children of
 * @frontier, the initiator answers with one bit per child. Returns the
 * children that differ. */
static GArray *
walk_level (const MmrMerkle *a, const MmrMerkle *b, GArray *frontier,
            MmrMerkleDiff *out)
{
  GArray *next = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint n_children = frontier->len * 2;

  for (guint i = 0; i < frontier->len; i++)
    {
      guint32 parent = g_array_index (frontier, guint32, i);

      for (guint32 child = 2 * parent; child <= 2 * parent + 1; child++)
        if (a->nodes[child] != b->nodes[child])
          g_array_append_val (next, child);
    }
  out->nodes_compared += n_children;
  out->messages += 2;
  out->bytes += mmr_merkle_message_bytes (n_children, 0)    /* NODES */
                + mmr_merkle_message_bytes (0, n_children); /* WANT */
  return next;
}

/* DOC: merkle-diff */
guint
mmr_merkle_diff (const MmrMerkle *initiator, const MmrMerkle *peer,
                 MmrMerkleDiff *out)
{
  g_autoptr (GArray) frontier = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 root = 1, first_leaf;

  g_return_val_if_fail (initiator->depth == peer->depth, 0);
  memset (out, 0, sizeof *out);
  out->buckets = g_array_new (FALSE, FALSE, sizeof (guint32));
  out->nodes_compared = 1;
  out->messages = 1;
  out->bytes = mmr_merkle_message_bytes (1, 0);                  /* ROOT */
  if (initiator->nodes[1] == peer->nodes[1])
    {
      out->messages++;
      out->bytes += mmr_merkle_message_bytes (0, 0);     /* empty NODES */
      return 0;
    }
  g_array_append_val (frontier, root);
  for (guint level = 1; level <= initiator->depth && frontier->len > 0;
       level++)
    {
      GArray *next = walk_level (initiator, peer, frontier, out);

      g_array_unref (frontier);
      frontier = next;
    }
  first_leaf = (guint32) 1 << initiator->depth;
  for (guint i = 0; i < frontier->len; i++)
    {
      guint32 bucket = g_array_index (frontier, guint32, i) - first_leaf;

      g_array_append_val (out->buckets, bucket);
    }
  return out->buckets->len;
}

static int
bucket_cmp (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

GPtrArray *
mmr_merkle_dup_bucket_names (const MmrStore *store, guint depth,
                             GArray *buckets)
{
  g_autoptr (GPtrArray) names = mmr_store_dup_names (store);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < names->len; i++)
    {
      guint32 b = mmr_merkle_bucket_of (depth, names->pdata[i]);

      if (buckets->len > 0
          && bsearch (&b, buckets->data, buckets->len, sizeof (guint32),
                      bucket_cmp) != NULL)
        g_ptr_array_add (out, names->pdata[i]);
    }
  return out;
}
