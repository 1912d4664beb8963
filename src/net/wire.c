/* wire.c - the wire format: messages to bytes and back
 *
 * Replicas never share memory: everything one learns about another arrives
 * as a byte string, so the simulator counts real bytes and a student can
 * read a message in hex.  The layout is in wire.h and docs/wire-format.md.
 *
 * Why varints: nearly every number on the wire is small (replica indices,
 * counters, HLC counters, string lengths), so unsigned LEB128 spends one byte
 * on anything below 128 instead of four or eight.  Signed numbers (physical
 * times, which skew can push below zero) are zig-zag mapped first, so that
 * -1 costs one byte rather than ten.
 *
 * Interface:
 *   mmr_message_new / _free / _add_register / _add_need   build a message
 *   mmr_wire_encode   message -> bytes, plus the metadata byte count
 *   mmr_wire_decode   bytes -> message, or a GError (MMR_WIRE_ERROR)
 *
 * Invariants:
 *   - encoding is canonical: equal messages give equal bytes (vv entries in
 *     ascending replica order, zero entries omitted, minimal varints,
 *     siblings in the order given);
 *   - decoding is strict, so it is the exact inverse: any byte string it
 *     accepts re-encodes to the same bytes (tests/net/wire-test.cc checks
 *     this on random input);
 *   - the decoder never reads past the buffer and never aborts: every
 *     length is checked against what is left before it is used, and every
 *     count is bounded by the bytes left before anything is allocated.
 *     fuzz/wire-fuzz.c hammers on this.
 *
 * Taught in docs/wire-format.md.
 */
#include "net/wire.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (mmr-wire-error-quark, mmr_wire_error)

/* Smallest encodings, used to bound counts before allocating:
 * a register is name + vv + sibling count, a digest entry name + vv, a
 * version replica + 5 varints + flags. */
#define MIN_REGISTER_BYTES 3
#define MIN_DIGEST_ENTRY_BYTES 2
#define MIN_VERSION_BYTES 7
#define MIN_NAME_BYTES 1
#define MAX_VARINT_BYTES 10
#define FLAG_TOMBSTONE 0x01

/* ---- building messages ------------------------------------------------ */

static void
wire_crdt_free (gpointer data)
{
  MmrWireCrdt *wc = data;

  g_free (wc->name);
  g_clear_pointer (&wc->state, g_bytes_unref);
  g_free (wc);
}

void
mmr_message_add_crdt (MmrMessage *msg, const char *name, GBytes *state,
                      guint64 hash)
{
  MmrWireCrdt *wc;

  g_return_if_fail (msg != NULL && name != NULL);
  g_return_if_fail ((msg->type == MMR_MSG_CRDT_DIGEST) == (state == NULL));
  wc = g_new0 (MmrWireCrdt, 1);
  wc->name = g_strdup (name);
  wc->state = state != NULL ? g_bytes_ref (state) : NULL;
  wc->hash = hash;
  g_ptr_array_add (msg->crdts, wc);
}

static void
wire_register_free (gpointer data)
{
  MmrWireRegister *wr = data;

  g_free (wr->name);
  g_clear_pointer (&wr->reg, mmr_register_free);
  g_free (wr);
}

MmrMessage *
mmr_message_new (MmrMsgType type)
{
  MmrMessage *msg;

  g_return_val_if_fail (type >= MMR_MSG_STATE
                        && type <= MMR_MSG_MERKLE, NULL);
  msg = g_new0 (MmrMessage, 1);
  msg->type = type;
  /* Reserved small: most messages carry one register. GLib's default
   * first growth is 16 pointers, a 128-byte block per array that keeps
   * malloc out of its fast bins on the hottest path of the simulator. */
  msg->registers = g_ptr_array_new_full (1, wire_register_free);
  msg->need = g_ptr_array_new_full (0, g_free);
  msg->crdts = g_ptr_array_new_full (0, wire_crdt_free);
  msg->nodes = g_array_new (FALSE, FALSE, sizeof (MmrMerkleNode));
  return msg;
}

void
mmr_message_free (MmrMessage *msg)
{
  if (msg == NULL)
    return;
  g_ptr_array_unref (msg->registers);
  g_ptr_array_unref (msg->need);
  g_ptr_array_unref (msg->crdts);
  g_array_unref (msg->nodes);
  g_free (msg);
}

void
mmr_message_add_register (MmrMessage *msg, const char *name,
                          MmrRegister *reg)
{
  MmrWireRegister *wr;

  g_return_if_fail (msg != NULL && name != NULL && reg != NULL);
  wr = g_new0 (MmrWireRegister, 1);
  wr->name = g_strdup (name);
  wr->reg = reg;
  g_ptr_array_add (msg->registers, wr);
}

void
mmr_message_add_need (MmrMessage *msg, const char *name)
{
  g_return_if_fail (msg != NULL && name != NULL);
  g_return_if_fail (msg->type == MMR_MSG_DIGEST_REPLY
                    || msg->type == MMR_MSG_CRDT_REPLY);
  g_ptr_array_add (msg->need, g_strdup (name));
}

const char *
mmr_msg_type_to_string (MmrMsgType type)
{
  switch (type)
    {
    case MMR_MSG_STATE:
      return "state";
    case MMR_MSG_DIGEST:
      return "digest";
    case MMR_MSG_DIGEST_REPLY:
      return "digest-reply";
    case MMR_MSG_CRDT:
      return "crdt";
    case MMR_MSG_CRDT_DIGEST:
      return "crdt-digest";
    case MMR_MSG_CRDT_REPLY:
      return "crdt-reply";
    case MMR_MSG_CRDT_ACK:
      return "crdt-ack";
    case MMR_MSG_MERKLE:
      return "merkle";
    default:
      return "unknown";
    }
}

/* ---- encoding ---------------------------------------------------------- */

/* DOC: wire-zigzag */
/* Zig-zag: 0, -1, 1, -2, 2 ... -> 0, 1, 2, 3, 4 ...: small magnitudes of
 * either sign become small unsigned numbers, hence short varints. */
static guint64
zigzag_encode (gint64 v)
{
  return ((guint64) v << 1) ^ (v < 0 ? G_MAXUINT64 : 0);
}

static gint64
zigzag_decode (guint64 u)
{
  gint64 half = (gint64) (u >> 1);

  return (u & 1) ? -half - 1 : half;
}

static void
put_u8 (GByteArray *out, guint8 v)
{
  g_byte_array_append (out, &v, 1);
}

/* DOC: wire-varint */
/* Unsigned LEB128: seven bits per byte, low bits first, the high bit set on
 * every byte but the last. */
static void
put_varint (GByteArray *out, guint64 v)
{
  guint8 buf[MAX_VARINT_BYTES];
  guint n = 0;

  do
    {
      buf[n] = v & 0x7f;
      v >>= 7;
      if (v != 0)
        buf[n] |= 0x80;
      n++;
    }
  while (v != 0);
  g_byte_array_append (out, buf, n);
}

static void
put_string (GByteArray *out, const char *s)
{
  gsize len = strlen (s);

  /* The decoder rejects anything else; catch the sender, not the receiver. */
  g_warn_if_fail (g_utf8_validate (s, len, NULL));
  put_varint (out, len);
  g_byte_array_append (out, (const guint8 *) s, len);
}

static void
put_vv (GByteArray *out, const MmrVersionVector *vv)
{
  put_varint (out, mmr_version_vector_n_entries (vv));
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (vv->c[i] != 0)
      {
        put_u8 (out, i);
        put_varint (out, vv->c[i]);
      }
}

/* Everything but the value is metadata; returns the metadata bytes. */
static guint32
put_version (GByteArray *out, const MmrVersion *v)
{
  guint start = out->len;
  guint32 metadata;

  g_return_val_if_fail (v->dot.replica < MMR_MAX_REPLICAS, 0);
  put_u8 (out, v->dot.replica);
  put_varint (out, v->dot.counter);
  put_varint (out, zigzag_encode (v->ts));
  put_varint (out, v->ts_logical);
  put_varint (out, zigzag_encode (v->hlc.l));
  put_varint (out, v->hlc.c);
  metadata = out->len - start;
  put_u8 (out, v->value == NULL ? FLAG_TOMBSTONE : 0);
  if (v->value != NULL)
    put_string (out, v->value);
  return metadata;
}

/* A DIGEST entry is name + vv only: siblings, if the caller left any in
 * the register, are not sent. */
static guint32
put_register (GByteArray *out, const MmrWireRegister *wr,
              gboolean with_siblings)
{
  guint32 metadata;
  guint start;

  put_string (out, wr->name);
  start = out->len;
  put_vv (out, &wr->reg->vv);
  metadata = out->len - start;
  if (!with_siblings)
    return metadata;
  put_varint (out, wr->reg->n_siblings);
  for (guint i = 0; i < wr->reg->n_siblings; i++)
    metadata += put_version (out, &wr->reg->siblings[i]);
  return metadata;
}

static gboolean
is_crdt_type (MmrMsgType type)
{
  return type >= MMR_MSG_CRDT && type <= MMR_MSG_CRDT_ACK;
}

static void
put_need (GByteArray *out, const MmrMessage *msg)
{
  put_varint (out, msg->need->len);
  for (guint i = 0; i < msg->need->len; i++)
    put_string (out, msg->need->pdata[i]);
}

/* CRDT bodies: a state is an opaque blob (crdt.h encodes it). */
static void
put_crdts (GByteArray *out, const MmrMessage *msg)
{
  put_varint (out, msg->crdts->len);
  for (guint i = 0; i < msg->crdts->len; i++)
    {
      const MmrWireCrdt *wc = msg->crdts->pdata[i];

      put_string (out, wc->name);
      if (msg->type == MMR_MSG_CRDT_DIGEST)
        {
          guint64 le = GUINT64_TO_LE (wc->hash);

          g_byte_array_append (out, (const guint8 *) &le, 8);
        }
      else
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (wc->state, &len);

          put_varint (out, len);
          g_byte_array_append (out, data, (guint) len);
        }
    }
  if (msg->type == MMR_MSG_CRDT_REPLY)
    put_need (out, msg);
}

static void
put_merkle (GByteArray *out, const MmrMessage *msg, guint32 *metadata)
{
  guint start = out->len;

  put_u8 (out, msg->step);
  put_varint (out, msg->nodes->len);
  for (guint i = 0; i < msg->nodes->len; i++)
    {
      const MmrMerkleNode *n = &g_array_index (msg->nodes, MmrMerkleNode, i);

      put_varint (out, n->node);
      if (msg->step != MMR_MERKLE_BUCKETS)
        {
          guint64 le = GUINT64_TO_LE (n->hash);

          g_byte_array_append (out, (const guint8 *) &le, 8);
        }
    }
  *metadata = out->len - start;
  if (msg->step != MMR_MERKLE_BUCKETS)
    return;
  put_varint (out, msg->registers->len);
  for (guint i = 0; i < msg->registers->len; i++)
    *metadata += put_register (out, msg->registers->pdata[i], FALSE);
}

/* DOC: wire-encode */
GBytes *
mmr_wire_encode (const MmrMessage *msg, guint32 *out_metadata_bytes)
{
  GByteArray *out;
  gboolean with_siblings;
  guint32 metadata = 0;

  g_return_val_if_fail (msg != NULL, NULL);
  g_return_val_if_fail (msg->type == MMR_MSG_DIGEST_REPLY
                        || msg->type == MMR_MSG_CRDT_REPLY
                        || msg->need->len == 0, NULL);

  out = g_byte_array_new ();
  put_u8 (out, MMR_WIRE_VERSION);
  put_u8 (out, msg->type);
  put_varint (out, msg->lamport);
  put_varint (out, zigzag_encode (msg->hlc.l));
  put_varint (out, msg->hlc.c);
  put_varint (out, msg->exchange);
  if (msg->type == MMR_MSG_MERKLE)
    {
      put_merkle (out, msg, &metadata);
      if (out_metadata_bytes != NULL)
        *out_metadata_bytes = metadata;
      return g_byte_array_free_to_bytes (out);
    }
  if (is_crdt_type (msg->type))
    {
      put_crdts (out, msg);
      if (out_metadata_bytes != NULL)
        *out_metadata_bytes = 0;
      return g_byte_array_free_to_bytes (out);
    }

  with_siblings = msg->type != MMR_MSG_DIGEST;
  put_varint (out, msg->registers->len);
  for (guint i = 0; i < msg->registers->len; i++)
    metadata += put_register (out, msg->registers->pdata[i], with_siblings);
  if (msg->type == MMR_MSG_DIGEST_REPLY)
    {
      put_varint (out, msg->need->len);
      for (guint i = 0; i < msg->need->len; i++)
        put_string (out, msg->need->pdata[i]);
    }

  if (out_metadata_bytes != NULL)
    *out_metadata_bytes = metadata;
  return g_byte_array_free_to_bytes (out);
}

/* ---- decoding ---------------------------------------------------------- */

/* A cursor over the input.  Every read checks what is left first; the
 * first failure sets *error and every later read is skipped by the
 * callers' early returns. */
typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
  GError **error;
} Reader;

static gsize
left (const Reader *r)
{
  return r->len - r->pos;
}

G_GNUC_PRINTF (3, 4)
static gboolean
fail (Reader *r, MmrWireError code, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (r->error, MMR_WIRE_ERROR, code, text);
  return FALSE;
}

static gboolean
fail_truncated (Reader *r, guint64 need, const char *what)
{
  return fail (r, MMR_WIRE_ERROR_TRUNCATED,
               "truncated message: expected %" G_GUINT64_FORMAT " byte%s of "
               "%s at offset %" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " left",
               need, need == 1 ? "" : "s", what, r->pos, left (r));
}

static gboolean
read_u8 (Reader *r, const char *what, guint8 *out)
{
  if (left (r) < 1)
    return fail_truncated (r, 1, what);
  *out = r->data[r->pos++];
  return TRUE;
}

/* Rejects what put_varint never writes (more than 10 bytes, bits past 64,
 * a redundant trailing zero byte), so that decoding stays the inverse of
 * encoding. */
static gboolean
read_varint (Reader *r, const char *what, guint64 *out)
{
  guint64 v = 0;

  for (guint i = 0; i < MAX_VARINT_BYTES; i++)
    {
      guint8 b;

      if (r->pos + i >= r->len)
        return fail (r, MMR_WIRE_ERROR_TRUNCATED,
                     "truncated message: expected a varint (%s) at offset %"
                     G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " left",
                     what, r->pos, left (r));
      b = r->data[r->pos + i];
      if (i == MAX_VARINT_BYTES - 1 && (b & 0x80))
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "varint (%s) at offset %" G_GSIZE_FORMAT " is longer "
                     "than %d bytes", what, r->pos, MAX_VARINT_BYTES);
      if (i == MAX_VARINT_BYTES - 1 && b > 1)
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "varint (%s) at offset %" G_GSIZE_FORMAT " overflows "
                     "64 bits", what, r->pos);
      v |= (guint64) (b & 0x7f) << (7 * i);
      if (b & 0x80)
        continue;
      if (b == 0 && i > 0)
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "varint (%s) at offset %" G_GSIZE_FORMAT " is not "
                     "minimally encoded", what, r->pos);
      r->pos += i + 1;
      *out = v;
      return TRUE;
    }
  g_assert_not_reached ();
}

static gboolean
read_u32 (Reader *r, const char *what, guint32 *out)
{
  gsize at = r->pos;
  guint64 v;

  if (!read_varint (r, what, &v))
    return FALSE;
  if (v > G_MAXUINT32)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "%s %" G_GUINT64_FORMAT " at offset %" G_GSIZE_FORMAT
                 " does not fit in 32 bits", what, v, at);
  *out = (guint32) v;
  return TRUE;
}

static gboolean
read_zigzag (Reader *r, const char *what, gint64 *out)
{
  guint64 u;

  if (!read_varint (r, what, &u))
    return FALSE;
  *out = zigzag_decode (u);
  return TRUE;
}

/* A count of items that each take at least @min_item_bytes: a count the
 * remaining bytes cannot hold is truncation, caught before allocating. */
static gboolean
read_count (Reader *r, const char *what, guint min_item_bytes, guint *out)
{
  gsize at = r->pos;
  guint64 n;

  if (!read_varint (r, what, &n))
    return FALSE;
  if (n > left (r) / min_item_bytes)
    return fail (r, MMR_WIRE_ERROR_TRUNCATED,
                 "truncated message: %s %" G_GUINT64_FORMAT " at offset %"
                 G_GSIZE_FORMAT " needs at least %u bytes each, %"
                 G_GSIZE_FORMAT " left", what, n, at, min_item_bytes,
                 left (r));
  *out = (guint) n;
  return TRUE;
}

/* Strings must be UTF-8 without NUL bytes: they become C strings. */
static gboolean
read_string (Reader *r, const char *what, char **out)
{
  g_autofree char *length_what = g_strdup_printf ("%s length", what);
  guint64 len;
  const char *start;

  if (!read_varint (r, length_what, &len))
    return FALSE;
  if (len > left (r))
    return fail_truncated (r, len, what);
  start = (const char *) r->data + r->pos;
  if (!g_utf8_validate_len (start, len, NULL))
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "%s at offset %" G_GSIZE_FORMAT " is not valid UTF-8 "
                 "(or contains a NUL byte)", what, r->pos);
  *out = g_strndup (start, len);
  r->pos += len;
  return TRUE;
}

static gboolean
read_replica (Reader *r, const char *what, guint8 *out)
{
  gsize at = r->pos;

  if (!read_u8 (r, what, out))
    return FALSE;
  if (*out >= MMR_MAX_REPLICAS)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "%s %u at offset %" G_GSIZE_FORMAT " is out of range "
                 "(at most %d)", what, *out, at, MMR_MAX_REPLICAS - 1);
  return TRUE;
}

/* DOC: wire-decode-vv */
static gboolean
read_vv (Reader *r, MmrVersionVector *vv)
{
  gsize at = r->pos;
  guint32 seen = 0;
  int prev = -1;
  guint64 n;

  mmr_version_vector_init (vv);
  if (!read_varint (r, "version vector size", &n))
    return FALSE;
  if (n > MMR_MAX_REPLICAS)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "version vector at offset %" G_GSIZE_FORMAT " has %"
                 G_GUINT64_FORMAT " entries (at most %d)",
                 at, n, MMR_MAX_REPLICAS);
  for (guint i = 0; i < n; i++)
    {
      gsize entry_at = r->pos;
      guint8 replica = 0;

      if (!read_replica (r, "version vector replica", &replica))
        return FALSE;
      if (seen & (1u << replica))
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "duplicate replica %u in version vector at offset %"
                     G_GSIZE_FORMAT, replica, entry_at);
      if (replica < prev)
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "version vector entries out of order at offset %"
                     G_GSIZE_FORMAT ": replica %u after %d",
                     entry_at, replica, prev);
      seen |= 1u << replica;
      prev = replica;
      if (!read_u32 (r, "version vector counter", &vv->c[replica]))
        return FALSE;
      if (vv->c[replica] == 0)
        return fail (r, MMR_WIRE_ERROR_MALFORMED,
                     "zero counter for replica %u in version vector at "
                     "offset %" G_GSIZE_FORMAT " (zero entries are omitted)",
                     replica, entry_at);
    }
  return TRUE;
}

static gboolean
read_version (Reader *r, MmrVersion *v)
{
  gsize flags_at;
  guint8 flags;

  if (!read_replica (r, "dot replica", &v->dot.replica)
      || !read_u32 (r, "dot counter", &v->dot.counter)
      || !read_zigzag (r, "timestamp", &v->ts)
      || !read_u32 (r, "logical timestamp", &v->ts_logical)
      || !read_zigzag (r, "version HLC time", &v->hlc.l)
      || !read_u32 (r, "version HLC counter", &v->hlc.c))
    return FALSE;
  flags_at = r->pos;
  if (!read_u8 (r, "flags", &flags))
    return FALSE;
  if (flags & ~FLAG_TOMBSTONE)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "unknown flags 0x%02x at offset %" G_GSIZE_FORMAT,
                 flags, flags_at);
  if (flags & FLAG_TOMBSTONE)
    return TRUE;
  return read_string (r, "value", &v->value);
}

/* Siblings are counted in as they are read, so that a failure half way
 * leaves a register mmr_register_free() can release. */
static gboolean
read_register (Reader *r, gboolean with_siblings, MmrWireRegister **out)
{
  g_autofree char *name = NULL;
  g_autoptr (MmrRegister) reg = mmr_register_new ();
  guint n;

  if (!read_string (r, "register name", &name)
      || !read_vv (r, &reg->vv))
    return FALSE;
  if (with_siblings)
    {
      if (!read_count (r, "sibling count", MIN_VERSION_BYTES, &n))
        return FALSE;
      reg->siblings = g_new0 (MmrVersion, n);
      for (guint i = 0; i < n; i++)
        {
          reg->n_siblings = i + 1;
          if (!read_version (r, &reg->siblings[i]))
            return FALSE;
        }
    }
  *out = g_new0 (MmrWireRegister, 1);
  (*out)->name = g_steal_pointer (&name);
  (*out)->reg = g_steal_pointer (&reg);
  return TRUE;
}

static gboolean
read_header (Reader *r, MmrMessage **out)
{
  guint8 version = 0, type = 0;

  if (!read_u8 (r, "format version", &version))
    return FALSE;
  /* Nothing past the version byte can be trusted under another version. */
  if (version != MMR_WIRE_VERSION)
    return fail (r, MMR_WIRE_ERROR_VERSION,
                 "unsupported wire format version %u (this build speaks %d)",
                 version, MMR_WIRE_VERSION);
  if (!read_u8 (r, "message type", &type))
    return FALSE;
  if (type < MMR_MSG_STATE || type > MMR_MSG_MERKLE)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "unknown message type %u at offset 1", type);
  *out = mmr_message_new (type);
  return read_varint (r, "Lamport clock", &(*out)->lamport)
         && read_zigzag (r, "HLC time", &(*out)->hlc.l)
         && read_u32 (r, "HLC counter", &(*out)->hlc.c)
         && read_u32 (r, "exchange id", &(*out)->exchange);
}

static gboolean
read_needs (Reader *r, MmrMessage *msg)
{
  guint n;

  if (!read_count (r, "need count", MIN_NAME_BYTES, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *name;

      if (!read_string (r, "needed name", &name))
        return FALSE;
      g_ptr_array_add (msg->need, name);
    }
  return TRUE;
}

static gboolean
read_crdts (Reader *r, MmrMessage *msg)
{
  gboolean is_digest = msg->type == MMR_MSG_CRDT_DIGEST;
  guint n;

  if (!read_count (r, "CRDT count", is_digest ? 9 : 2, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      MmrWireCrdt *wc = g_new0 (MmrWireCrdt, 1);

      g_ptr_array_add (msg->crdts, wc);
      if (!read_string (r, "CRDT name", &wc->name))
        return FALSE;
      if (is_digest)
        {
          guint64 le;

          if (left (r) < 8)
            return fail_truncated (r, 8, "CRDT hash");
          memcpy (&le, r->data + r->pos, 8);
          r->pos += 8;
          wc->hash = GUINT64_FROM_LE (le);
        }
      else
        {
          guint64 len;

          if (!read_varint (r, "CRDT state length", &len))
            return FALSE;
          if (len > left (r))
            return fail_truncated (r, len, "CRDT state");
          wc->state = g_bytes_new (r->data + r->pos, (gsize) len);
          r->pos += (gsize) len;
        }
    }
  return msg->type != MMR_MSG_CRDT_REPLY || read_needs (r, msg);
}

static gboolean
read_merkle (Reader *r, MmrMessage *msg)
{
  guint8 step = 0;
  guint n;

  if (!read_u8 (r, "Merkle step", &step))
    return FALSE;
  if (step > MMR_MERKLE_BUCKETS)
    return fail (r, MMR_WIRE_ERROR_MALFORMED, "unknown Merkle step %u at "
                 "offset %" G_GSIZE_FORMAT, step, r->pos - 1);
  msg->step = step;
  if (!read_count (r, "Merkle node count", 1, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      MmrMerkleNode node = { 0, 0 };

      if (!read_u32 (r, "Merkle node", &node.node))
        return FALSE;
      if (step != MMR_MERKLE_BUCKETS)
        {
          guint64 le;

          if (left (r) < 8)
            return fail_truncated (r, 8, "Merkle hash");
          memcpy (&le, r->data + r->pos, 8);
          r->pos += 8;
          node.hash = GUINT64_FROM_LE (le);
        }
      g_array_append_val (msg->nodes, node);
    }
  if (step != MMR_MERKLE_BUCKETS)
    return TRUE;
  if (!read_count (r, "register count", MIN_DIGEST_ENTRY_BYTES, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      MmrWireRegister *wr;

      if (!read_register (r, FALSE, &wr))
        return FALSE;
      g_ptr_array_add (msg->registers, wr);
    }
  return TRUE;
}

static gboolean
read_body (Reader *r, MmrMessage *msg)
{
  gboolean is_digest = msg->type == MMR_MSG_DIGEST;
  guint n;

  if (msg->type == MMR_MSG_MERKLE)
    return read_merkle (r, msg);

  if (is_crdt_type (msg->type))
    return read_crdts (r, msg);

  if (!read_count (r, "register count",
                   is_digest ? MIN_DIGEST_ENTRY_BYTES : MIN_REGISTER_BYTES,
                   &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      MmrWireRegister *wr;

      if (!read_register (r, !is_digest, &wr))
        return FALSE;
      g_ptr_array_add (msg->registers, wr);
    }
  if (msg->type != MMR_MSG_DIGEST_REPLY)
    return TRUE;
  if (!read_count (r, "need count", MIN_NAME_BYTES, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *name;

      if (!read_string (r, "needed name", &name))
        return FALSE;
      g_ptr_array_add (msg->need, name);
    }
  return TRUE;
}

/* DOC: wire-decode */
MmrMessage *
mmr_wire_decode (GBytes *bytes, GError **error)
{
  g_autoptr (MmrMessage) msg = NULL;
  Reader r = { NULL, 0, 0, error };

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  r.data = g_bytes_get_data (bytes, &r.len);
  if (!read_header (&r, &msg) || !read_body (&r, msg))
    return NULL;
  if (left (&r) != 0)
    {
      fail (&r, MMR_WIRE_ERROR_MALFORMED,
            "%" G_GSIZE_FORMAT " trailing byte%s after the message end at "
            "offset %" G_GSIZE_FORMAT, left (&r), left (&r) == 1 ? "" : "s",
            r.pos);
      return NULL;
    }
  return g_steal_pointer (&msg);
}
