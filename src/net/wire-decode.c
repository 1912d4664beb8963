/* wire-decode.c - bytes to a message
 *
 * Reads the layout of wire.h with a Reader cursor: read_header, then
 * read_body by type (read_register, read_vv, read_version ...). The bytes
 * come from another replica, so nothing in them is trusted.
 *
 * Interface:
 *   mmr_wire_decode       bytes -> a new message, or a GError
 *                         (MMR_WIRE_ERROR: TRUNCATED, VERSION, MALFORMED)
 *   mmr_wire_decode_into  the same into a message decoded into before: a
 *                         replica decodes every message into one
 *
 * Invariants:
 *   - strict, so it is the exact inverse of wire-encode.c: it rejects what
 *     the encoder never writes (overlong varints, vv entries out of order,
 *     duplicated or zero, unknown flags, strings that are not UTF-8 or hold
 *     a NUL, trailing bytes), and any byte string it accepts re-encodes to
 *     the same bytes;
 *   - never reads past the buffer and never aborts: every length is checked
 *     against what is left before it is used, every count is bounded by
 *     the bytes left before anything is reserved (fuzz/wire-fuzz.c);
 *   - every error names what was expected and its byte offset.
 *
 * A decoded message's strings, registers and versions live in its
 * MmrMessageStorage (message-storage.c, a speed trick behind a small
 * interface): this file only asks it for room.
 *
 * Taught in docs/wire-format.md ("Code", "Canonical bytes").
 */
#include "net/wire-private.h"

#include <stdarg.h>
#include <string.h>

#include "core/varint.h"
#include "net/message-storage.h"

G_DEFINE_QUARK (mmr-wire-error-quark, mmr_wire_error)

/* Smallest encodings, used to bound counts before allocating:
 * a register is name + vv + sibling count, a digest entry name + vv, a
 * version replica + 5 varints + flags. */
#define MIN_REGISTER_BYTES 3
#define MIN_DIGEST_ENTRY_BYTES 2
#define MIN_VERSION_BYTES 7
#define MIN_NAME_BYTES 1

/* A cursor over the input.  Every read checks what is left first; the
 * first failure sets *error and every later read is skipped by the
 * callers' early returns. Strings are copied into the message's storage
 * (message-storage.c). */
typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
  GError **error;
  MmrMessageStorage *store;
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

static inline gboolean
read_u8 (Reader *r, const char *what, guint8 *out)
{
  if (left (r) < 1)
    return fail_truncated (r, 1, what);
  *out = r->data[r->pos++];
  return TRUE;
}

/* Why the varint at the cursor is bad, in the words of the wire's errors;
 * only called on failure. */
G_GNUC_NO_INLINE static gboolean
fail_varint (Reader *r, MmrVarintStatus status, const char *what,
             const char *suffix)
{
  switch (status)
    {
    case MMR_VARINT_TRUNCATED:
      return fail (r, MMR_WIRE_ERROR_TRUNCATED,
                   "truncated message: expected a varint (%s%s) at offset %"
                   G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " left",
                   what, suffix, r->pos, left (r));
    case MMR_VARINT_OVERFLOW:
      return fail (r, MMR_WIRE_ERROR_MALFORMED,
                   "varint (%s%s) at offset %" G_GSIZE_FORMAT " overflows "
                   "64 bits", what, suffix, r->pos);
    case MMR_VARINT_OVERLONG:
      return fail (r, MMR_WIRE_ERROR_MALFORMED,
                   "varint (%s%s) at offset %" G_GSIZE_FORMAT " is not "
                   "minimally encoded", what, suffix, r->pos);
    case MMR_VARINT_TOO_LONG:
    case MMR_VARINT_OK:
    default:
      break;
    }
  return fail (r, MMR_WIRE_ERROR_MALFORMED,
               "varint (%s%s) at offset %" G_GSIZE_FORMAT " is longer "
               "than %d bytes", what, suffix, r->pos, MMR_VARINT_MAX_BYTES);
}

/* Strict (src/core/varint.c rejects what the encoder never writes), so
 * that decoding stays the inverse of encoding. The length of a string is
 * read with @what naming the string and @suffix " length"; error messages
 * are only built on failure. */
static inline gboolean
read_varint_of (Reader *r, const char *what, const char *suffix,
                guint64 *out)
{
  const guint8 *p = r->data + r->pos;
  MmrVarintStatus status;
  gsize used = 0;

  /* Most varints on the wire are one byte (counts, lengths, replicas). */
  if (G_LIKELY (r->pos < r->len && p[0] < 0x80))
    {
      r->pos++;
      *out = p[0];
      return TRUE;
    }
  status = mmr_varint_decode (p, left (r), out, &used);
  if (G_UNLIKELY (status != MMR_VARINT_OK))
    return fail_varint (r, status, what, suffix);
  r->pos += used;
  return TRUE;
}

static inline gboolean
read_varint (Reader *r, const char *what, guint64 *out)
{
  return read_varint_of (r, what, "", out);
}

static inline gboolean
read_u32 (Reader *r, const char *what, guint32 *out)
{
  gsize at = r->pos;
  guint64 v = 0;

  if (!read_varint (r, what, &v))
    return FALSE;
  if (v > G_MAXUINT32)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "%s %" G_GUINT64_FORMAT " at offset %" G_GSIZE_FORMAT
                 " does not fit in 32 bits", what, v, at);
  *out = (guint32) v;
  return TRUE;
}

static inline gboolean
read_zigzag (Reader *r, const char *what, gint64 *out)
{
  guint64 u = 0;

  if (!read_varint (r, what, &u))
    return FALSE;
  *out = mmr_varint_zigzag_decode (u);
  return TRUE;
}

/* A count of items that each take at least @min_item_bytes: a count the
 * remaining bytes cannot hold is truncation, caught before allocating. */
static inline gboolean
read_count (Reader *r, const char *what, guint min_item_bytes, guint *out)
{
  gsize at = r->pos;
  guint64 n = 0;

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

/* Most names and values are ASCII: checked here without a call, the
 * general UTF-8 validation runs only for the others. */
static inline gboolean
is_plain_ascii (const char *s, gsize len)
{
  guint8 bad = 0;

  for (gsize i = 0; i < len; i++)
    bad |= (guint8) ((guint8) s[i] - 1) >= 0x7f;
  return bad == 0;
}

/* Strings must be UTF-8 without NUL bytes: they become C strings, copied
 * into the message's storage (message-storage.c). */
static gboolean
read_string (Reader *r, const char *what, char **out)
{
  guint64 len = 0;
  const char *start;

  if (!read_varint_of (r, what, " length", &len))
    return FALSE;
  if (len > left (r))
    return fail_truncated (r, len, what);
  start = (const char *) r->data + r->pos;
  if (!is_plain_ascii (start, len) && !g_utf8_validate_len (start, len, NULL))
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "%s at offset %" G_GSIZE_FORMAT " is not valid UTF-8 "
                 "(or contains a NUL byte)", what, r->pos);
  *out = mmr_message_storage_copy_text (r->store, start, len);
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
  guint64 n = 0;

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
  guint8 flags = 0;

  memset (v, 0, sizeof *v);
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
  if (flags & ~MMR_WIRE_FLAG_TOMBSTONE)
    return fail (r, MMR_WIRE_ERROR_MALFORMED,
                 "unknown flags 0x%02x at offset %" G_GSIZE_FORMAT,
                 flags, flags_at);
  if (flags & MMR_WIRE_FLAG_TOMBSTONE)
    return TRUE;
  return read_string (r, "value", &v->value);
}

/* Register @i of the message: its name, vector and (@with_siblings) its
 * versions. The register's siblings pointer is set once every version of
 * the message is read (mmr_message_storage_finish). */
static gboolean
read_register (Reader *r, MmrMessage *msg, guint i, gboolean with_siblings)
{
  MmrWireRegister *wr = mmr_message_storage_register (r->store, i);
  MmrRegister *reg = wr->reg;
  MmrVersion *versions;
  guint n = 0;

  g_ptr_array_add (msg->registers, wr);
  if (!read_string (r, "register name", &wr->name)
      || !read_vv (r, &reg->vv))
    return FALSE;
  if (!with_siblings)
    return TRUE;
  if (!read_count (r, "sibling count", MIN_VERSION_BYTES, &n))
    return FALSE;
  versions = mmr_message_storage_add_versions (r->store, n);
  for (guint k = 0; k < n; k++)
    {
      reg->n_siblings = k + 1;
      if (!read_version (r, &versions[k]))
        return FALSE;
    }
  return TRUE;
}

/* @n registers, each at least @min_bytes long. */
static gboolean
read_registers (Reader *r, MmrMessage *msg, guint min_bytes,
                gboolean with_siblings)
{
  guint n = 0;

  if (!read_count (r, "register count", min_bytes, &n))
    return FALSE;
  mmr_message_storage_reserve_registers (r->store, n);
  for (guint i = 0; i < n; i++)
    if (!read_register (r, msg, i, with_siblings))
      return FALSE;
  return TRUE;
}

static gboolean
read_header (Reader *r, MmrMessage *msg)
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
  msg->type = type;
  return read_varint (r, "Lamport clock", &msg->lamport)
         && read_zigzag (r, "HLC time", &msg->hlc.l)
         && read_u32 (r, "HLC counter", &msg->hlc.c)
         && read_u32 (r, "exchange id", &msg->exchange);
}

static gboolean
read_needs (Reader *r, MmrMessage *msg)
{
  guint n = 0;

  if (!read_count (r, "need count", MIN_NAME_BYTES, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *name = NULL;

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
  guint n = 0;

  if (!read_count (r, "CRDT count", is_digest ? 9 : 2, &n))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      MmrWireCrdt *wc = g_new0 (MmrWireCrdt, 1);
      char *name = NULL;

      g_ptr_array_add (msg->crdts, wc);
      if (!read_string (r, "CRDT name", &name))
        return FALSE;
      wc->name = g_strdup (name);
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
          guint64 len = 0;

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
  guint n = 0;

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
  return read_registers (r, msg, MIN_DIGEST_ENTRY_BYTES, FALSE);
}

static gboolean
read_body (Reader *r, MmrMessage *msg)
{
  gboolean is_digest = msg->type == MMR_MSG_DIGEST;

  if (msg->type == MMR_MSG_MERKLE)
    return read_merkle (r, msg);
  if (mmr_wire_is_crdt_type (msg->type))
    return read_crdts (r, msg);
  if (!read_registers (r, msg,
                       is_digest ? MIN_DIGEST_ENTRY_BYTES : MIN_REGISTER_BYTES,
                       !is_digest))
    return FALSE;
  return msg->type != MMR_MSG_DIGEST_REPLY || read_needs (r, msg);
}

/* Empties a decoded message, keeping its buffers for the next one. */
static void
reset_decoded (MmrMessage *msg, gsize text_needed)
{
  msg->type = MMR_MSG_STATE;
  msg->lamport = 0;
  msg->hlc.l = 0;
  msg->hlc.c = 0;
  msg->exchange = 0;
  msg->step = MMR_MERKLE_ASK;
  /* Registers and needs point into the storage: nothing to free. */
  if (msg->registers->len > 0)
    g_ptr_array_set_size (msg->registers, 0);
  if (msg->need->len > 0)
    g_ptr_array_set_size (msg->need, 0);
  if (msg->crdts->len > 0)
    g_ptr_array_set_size (msg->crdts, 0);
  if (msg->nodes->len > 0)
    g_array_set_size (msg->nodes, 0);
  mmr_message_storage_reset (msg->decoded, text_needed);
}

/* DOC: wire-decode */
gboolean
mmr_wire_decode_into (GBytes *bytes, MmrMessage *msg, GError **error)
{
  Reader r = { NULL, 0, 0, error, NULL };

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (msg != NULL && msg->decoded != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  r.data = g_bytes_get_data (bytes, &r.len);
  r.store = msg->decoded;
  reset_decoded (msg, r.len);
  if (!read_header (&r, msg) || !read_body (&r, msg))
    {
      reset_decoded (msg, 0);
      return FALSE;
    }
  if (left (&r) != 0)
    {
      fail (&r, MMR_WIRE_ERROR_MALFORMED,
            "%" G_GSIZE_FORMAT " trailing byte%s after the message end at "
            "offset %" G_GSIZE_FORMAT, left (&r), left (&r) == 1 ? "" : "s",
            r.pos);
      reset_decoded (msg, 0);
      return FALSE;
    }
  mmr_message_storage_finish (msg->decoded);
  return TRUE;
}

MmrMessage *
mmr_wire_decode (GBytes *bytes, GError **error)
{
  g_autoptr (MmrMessage) msg = mmr_message_new_decoded ();

  g_return_val_if_fail (bytes != NULL, NULL);
  if (!mmr_wire_decode_into (bytes, msg, error))
    return NULL;
  return g_steal_pointer (&msg);
}

