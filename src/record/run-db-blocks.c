/* run-db-blocks.c - events and changes packed into blocks (see run-db.h)
 *
 * Concept: a run has hundreds of thousands of events and changes, and an
 * SQLite row costs about a microsecond to insert however small it is -
 * more than the simulator spends on the event itself. So the recorder
 * packs them: one row of event_blocks holds up to
 * MMR_RUN_DB_BLOCK_EVENTS events, one row of change_blocks up to as many
 * changes, each encoded in a few dozen bytes. Replay reads a block and
 * walks it; the row's first key and its first and last times are enough
 * to find the blocks of an instant or a window without decoding others.
 *
 * Interface: mmr_run_db_put_event / _get_event, _put_change /
 * _get_change, _event_arrays_init / _clear.
 *
 * Formats (varint: LEB128; cstr: varint length, the bytes, then a NUL so
 * a decoded string points into the block; each time is the difference
 * from the previous one in the block, the first from 0):
 *
 *   event  := fields:varint dtime:varint kind:u8
 *             [replica:u8] [peer:u8] [key:cstr] [value:cstr]
 *             [dot_replica:u8 dot_counter:varint] [vv_len:varint vv]
 *             [clock:delta hlc_l:varint hlc_c:varint]
 *             [msg_id:varint bytes:varint] [exchange:varint]
 *             [detail:cstr] [rule:u8] [versions_len:varint versions]
 *             [kept_len:varint kept] [superseded_len:varint superseded]
 *   change := dseq:varint dtime:varint replica:u8 register:cstr
 *             entries_len:varint entries
 *
 *   delta  := changed:varint (bit i: entry i moved) d:varint{popcount}
 *
 * A bracketed part is present when its bit of fields is set (EV_* below);
 * clock is relative to the same replica's clock at its event before in
 * the block (put_clock), from all zeros at the block's start;
 * the event's seq is its block's first_seq plus its index, a change's id
 * likewise. kind and rule are codes into the meta rows 'kinds' and
 * 'rules', the names in the order the recording used, so a file still
 * reads after the enums gain values. vv, clock, versions, kept and
 * superseded are the blobs of run-db.c and store/storage.h.
 *
 * Invariants: a decoder never reads past @end and rejects, never trusts,
 * a malformed block; the pointers it returns point into the block.
 */
#include "record/run-db.h"

#include "core/varint.h"

#include <string.h>

enum {
  EV_REPLICA = 1 << 0,
  EV_PEER = 1 << 1,
  EV_KEY = 1 << 2,
  EV_VALUE = 1 << 3,
  EV_DOT = 1 << 4,
  EV_VV = 1 << 5,
  EV_CLOCK = 1 << 6,
  EV_MSG = 1 << 7,
  EV_EXCHANGE = 1 << 8,
  EV_DETAIL = 1 << 9,
  EV_RULE = 1 << 10,
  EV_VERSIONS = 1 << 11,
  EV_KEPT = 1 << 12,
  EV_SUPERSEDED = 1 << 13,
  EV_ALL = (1 << 14) - 1
};

/* Room for every fixed-size part of an event: the varints, the bytes and
 * the two vector blobs (MMR_STORAGE_VV_MAX each). */
#define EVENT_FIXED_MAX (16 * MMR_VARINT_MAX_BYTES + 2 * MMR_STORAGE_VV_MAX)

/* A vector blob's length is written as one byte, which is its varint. */
G_STATIC_ASSERT (MMR_STORAGE_VV_MAX < 0x80);

/* The writer: @p moves through room reserved at the end of a GByteArray. */
static guint8 *
put_varint (guint8 *p, guint64 v)
{
  return p + mmr_varint_encode (v, p);
}

static guint8 *
put_bytes (guint8 *p, const void *data, gsize n)
{
  p = put_varint (p, n);
  if (n > 0)
    memcpy (p, data, n);
  return p + n;
}

static guint8 *
put_cstr (guint8 *p, const char *s, gsize n)
{
  p = put_bytes (p, s, n);
  *p = '\0';
  return p + 1;
}

static gsize
len_or_0 (const char *s)
{
  return s != NULL ? strlen (s) : 0;
}

static guint
fields_of (const MmrEvent *ev)
{
  gboolean at_replica = ev->replica >= 0;

  return (at_replica ? EV_REPLICA | EV_CLOCK : 0)
         | (ev->peer >= 0 ? EV_PEER : 0)
         | (ev->key != NULL ? EV_KEY | EV_VV : 0)
         | (ev->value != NULL ? EV_VALUE : 0)
         | (ev->dot.counter != 0 ? EV_DOT : 0)
         | (ev->msg_id != 0 ? EV_MSG : 0)
         | (ev->exchange != 0 ? EV_EXCHANGE : 0)
         | (ev->detail != NULL ? EV_DETAIL : 0)
         | (ev->kind == MMR_EV_CONFLICT || ev->kind == MMR_EV_RESOLVE
            ? EV_RULE : 0)
         | (ev->n_versions > 0 ? EV_VERSIONS : 0)
         | (ev->n_kept > 0 ? EV_KEPT : 0)
         | (ev->n_superseded > 0 ? EV_SUPERSEDED : 0);
}

/* The rare parts (versions, kept, superseded) go through @scratch. */
static guint8 *
put_rare (guint8 *p, guint fields, GByteArray *scratch[3])
{
  if (fields & EV_VERSIONS)
    p = put_bytes (p, scratch[0]->data, scratch[0]->len);
  if (fields & EV_KEPT)
    p = put_bytes (p, scratch[1]->data, scratch[1]->len);
  if (fields & EV_SUPERSEDED)
    p = put_bytes (p, scratch[2]->data, scratch[2]->len);
  return p;
}

/* A replica's vector clock never goes down between its events (a crash
 * aside), and an event moves one or two of its entries: so it is written
 * as the entries that differ from the replica's clock at its event before
 * in the block (a bit set), then each difference (mod 2^32, exact
 * whichever way it went). */
static guint8 *
put_clock (guint8 *p, const MmrVersionVector *clock, MmrVersionVector *last)
{
  guint changed = 0;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (clock->c[i] != last->c[i])
      changed |= 1u << i;
  p = put_varint (p, changed);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (changed & (1u << i))
      p = put_varint (p, (guint32) (clock->c[i] - last->c[i]));
  *last = *clock;
  return p;
}

/* DOC: run-db-event */
void
mmr_run_db_put_event (GByteArray *out, const MmrEvent *ev,
                      MmrRunDbCursor *cur, GByteArray *scratch[3])
{
  gint64 prev_time = cur->time_us;

  guint fields = fields_of (ev);
  gsize key_len = len_or_0 (ev->key), value_len = len_or_0 (ev->value);
  gsize detail_len = len_or_0 (ev->detail), room, start = out->len;
  guint8 *p;

  if (fields & EV_VERSIONS)
    mmr_run_db_encode_versions (scratch[0], ev->versions, ev->n_versions);
  if (fields & EV_KEPT)
    mmr_run_db_encode_dots (scratch[1], ev->kept, ev->n_kept);
  if (fields & EV_SUPERSEDED)
    mmr_run_db_encode_dots (scratch[2], ev->superseded, ev->n_superseded);
  room = EVENT_FIXED_MAX + key_len + value_len + detail_len
         + (fields & EV_VERSIONS ? scratch[0]->len : 0)
         + (fields & EV_KEPT ? scratch[1]->len : 0)
         + (fields & EV_SUPERSEDED ? scratch[2]->len : 0);
  g_byte_array_set_size (out, (guint) (start + room));
  p = put_varint (out->data + start, fields);
  /* Time never decreases along seq; the cast keeps even a decrease
   * exact, at the price of ten bytes. */
  p = put_varint (p, (guint64) (ev->time_us - prev_time));
  *p++ = (guint8) ev->kind;
  if (fields & EV_REPLICA)
    *p++ = (guint8) ev->replica;
  if (fields & EV_PEER)
    *p++ = (guint8) ev->peer;
  if (fields & EV_KEY)
    p = put_cstr (p, ev->key, key_len);
  if (fields & EV_VALUE)
    p = put_cstr (p, ev->value, value_len);
  if (fields & EV_DOT)
    {
      *p++ = ev->dot.replica;
      p = put_varint (p, ev->dot.counter);
    }
  if (fields & EV_VV)
    {
      gsize n = mmr_storage_vv_encode (&ev->vv, p + 1);

      *p = (guint8) n;        /* a one-byte varint: see VV_LEN_FITS */
      p += 1 + n;
    }
  if (fields & EV_CLOCK)
    {
      p = put_clock (p, &ev->clock, &cur->clocks[ev->replica]);
      p = put_varint (p, (guint64) ev->hlc.l);
      p = put_varint (p, ev->hlc.c);
    }
  if (fields & EV_MSG)
    {
      p = put_varint (p, ev->msg_id);
      p = put_varint (p, ev->bytes);
    }
  if (fields & EV_EXCHANGE)
    p = put_varint (p, ev->exchange);
  if (fields & EV_DETAIL)
    p = put_cstr (p, ev->detail, detail_len);
  if (fields & EV_RULE)
    *p++ = (guint8) ev->rule;
  p = put_rare (p, fields, scratch);
  g_byte_array_set_size (out, (guint) (p - out->data));
  cur->time_us = ev->time_us;
}

void
mmr_run_db_put_change (GByteArray *out, guint64 dseq, gint64 dtime,
                       guint replica, const char *register_name,
                       const guint8 *entries, gsize entries_len)
{
  gsize name_len = strlen (register_name), start = out->len;
  guint8 *p;

  g_byte_array_set_size (out, (guint) (start + 4 * MMR_VARINT_MAX_BYTES
                                       + 2 + name_len + entries_len));
  p = put_varint (out->data + start, dseq);
  p = put_varint (p, (guint64) dtime);
  *p++ = (guint8) replica;
  p = put_cstr (p, register_name, name_len);
  p = put_bytes (p, entries, entries_len);
  g_byte_array_set_size (out, (guint) (p - out->data));
}

/* ---- reading ---------------------------------------------------------- */

static gboolean
get_u8 (const guint8 **p, const guint8 *end, guint8 *out)
{
  if (*p >= end)
    return FALSE;
  *out = *(*p)++;
  return TRUE;
}

static gboolean
get_bytes (const guint8 **p, const guint8 *end, const guint8 **data,
           gsize *len)
{
  guint64 n;

  if (!mmr_storage_get_varint (p, end, &n) || n > (guint64) (end - *p))
    return FALSE;
  *data = *p;
  *len = (gsize) n;
  *p += n;
  return TRUE;
}

static gboolean
get_cstr (const guint8 **p, const guint8 *end, const char **out)
{
  const guint8 *s;
  gsize n;

  if (!get_bytes (p, end, &s, &n) || *p >= end || **p != '\0'
      || memchr (s, '\0', n) != NULL)
    return FALSE;
  (*p)++;
  *out = (const char *) s;
  return TRUE;
}

static gboolean
get_index (const guint8 **p, const guint8 *end, guint n, int *out)
{
  guint8 b;

  if (!get_u8 (p, end, &b) || b >= n)
    return FALSE;
  *out = b;
  return TRUE;
}

static gboolean
get_vv (const guint8 **p, const guint8 *end, MmrVersionVector *out)
{
  const guint8 *data;
  gsize len;

  return get_bytes (p, end, &data, &len)
         && mmr_storage_vv_decode (data, len, out);
}

static gboolean
get_u32 (const guint8 **p, const guint8 *end, guint32 *out)
{
  guint64 v;

  if (!mmr_storage_get_varint (p, end, &v) || v > G_MAXUINT32)
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

/* The reverse of put_clock: @last is the replica's clock before. */
static gboolean
get_clock (const guint8 **p, const guint8 *end, MmrVersionVector *last,
           MmrVersionVector *out)
{
  guint64 mask;

  if (!mmr_storage_get_varint (p, end, &mask)
      || mask >= (1u << MMR_MAX_REPLICAS))
    return FALSE;
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      guint32 d = 0;

      if ((mask & (1u << i)) && (!get_u32 (p, end, &d) || d == 0))
        return FALSE;
      last->c[i] += d;
    }
  *out = *last;
  return TRUE;
}

static gboolean
get_dots (const guint8 **p, const guint8 *end, GArray *into)
{
  const guint8 *data;
  gsize len;

  return get_bytes (p, end, &data, &len)
         && len > 0 && mmr_run_db_decode_dots (data, len, into);
}

/* The parts after the dot: vectors, clock, message, names, blobs. */
static gboolean
get_rest (const guint8 **p, const guint8 *end, guint fields,
          const MmrRunDbCodes *codes, MmrRunDbCursor *cur, MmrEvent *ev,
          MmrRunDbEventArrays *a)
{
  const guint8 *data;
  guint64 v;
  gsize len;
  int rule;

  if ((fields & EV_VV) && !get_vv (p, end, &ev->vv))
    return FALSE;
  if ((fields & EV_CLOCK)
      && (!get_clock (p, end, &cur->clocks[ev->replica], &ev->clock)
          || !mmr_storage_get_varint (p, end, &v)
          || !get_u32 (p, end, &ev->hlc.c)))
    return FALSE;
  if (fields & EV_CLOCK)
    ev->hlc.l = (gint64) v;
  if ((fields & EV_MSG) && (!mmr_storage_get_varint (p, end, &ev->msg_id)
                            || ev->msg_id == 0
                            || !get_u32 (p, end, &ev->bytes)))
    return FALSE;
  if ((fields & EV_EXCHANGE) && !get_u32 (p, end, &ev->exchange))
    return FALSE;
  if ((fields & EV_DETAIL) && !get_cstr (p, end, &ev->detail))
    return FALSE;
  if ((fields & EV_RULE) != 0
      && (!get_index (p, end, codes->n_rules, &rule)
          || !codes->has_rule[rule]))
    return FALSE;
  if (fields & EV_RULE)
    ev->rule = codes->rules[rule];
  g_ptr_array_set_size (a->values, 0);
  if ((fields & EV_VERSIONS)
      && (!get_bytes (p, end, &data, &len) || len == 0
          || !mmr_run_db_decode_versions (data, len, a->met, a->values)))
    return FALSE;
  if ((fields & EV_KEPT) && !get_dots (p, end, a->kept))
    return FALSE;
  return !(fields & EV_SUPERSEDED) || get_dots (p, end, a->superseded);
}

static void
attach_arrays (MmrEvent *ev, guint fields, MmrRunDbEventArrays *a)
{
  if (fields & EV_VERSIONS)
    {
      ev->n_versions = a->met->len;
      ev->versions = (const MmrEventVersion *) a->met->data;
    }
  if (fields & EV_KEPT)
    {
      ev->n_kept = a->kept->len;
      ev->kept = (const MmrDot *) a->kept->data;
    }
  if (fields & EV_SUPERSEDED)
    {
      ev->n_superseded = a->superseded->len;
      ev->superseded = (const MmrDot *) a->superseded->data;
    }
}

gboolean
mmr_run_db_get_event (const guint8 **p, const guint8 *end,
                      MmrRunDbCursor *cur, const MmrRunDbCodes *codes,
                      MmrEvent *ev, MmrRunDbEventArrays *a)
{
  guint64 fields, dtime;
  int kind;
  guint8 dot_replica;

  memset (ev, 0, sizeof *ev);
  ev->replica = ev->peer = -1;
  if (!mmr_storage_get_varint (p, end, &fields) || fields > EV_ALL
      || !mmr_storage_get_varint (p, end, &dtime)
      || !get_index (p, end, codes->n_kinds, &kind) || !codes->has_kind[kind])
    return FALSE;
  ev->time_us = cur->time_us + (gint64) dtime;
  cur->time_us = ev->time_us;
  ev->kind = codes->kinds[kind];
  if (((fields & EV_REPLICA) && !get_index (p, end, codes->n_replicas,
                                            &ev->replica))
      || ((fields & EV_PEER) && !get_index (p, end, codes->n_replicas,
                                            &ev->peer))
      || ((fields & EV_KEY) && !get_cstr (p, end, &ev->key))
      || ((fields & EV_VALUE) && !get_cstr (p, end, &ev->value)))
    return FALSE;
  if ((fields & EV_DOT)
      && (!get_u8 (p, end, &dot_replica) || dot_replica >= codes->n_replicas
          || !get_u32 (p, end, &ev->dot.counter) || ev->dot.counter == 0))
    return FALSE;
  if (fields & EV_DOT)
    ev->dot.replica = dot_replica;
  if (!get_rest (p, end, (guint) fields, codes, cur, ev, a))
    return FALSE;
  attach_arrays (ev, (guint) fields, a);
  return TRUE;
}

gboolean
mmr_run_db_get_change (const guint8 **p, const guint8 *end,
                       guint n_replicas, MmrRunDbChange *out)
{
  guint64 dtime;
  int replica;

  if (!mmr_storage_get_varint (p, end, &out->dseq)
      || !mmr_storage_get_varint (p, end, &dtime)
      || !get_index (p, end, n_replicas, &replica)
      || !get_cstr (p, end, &out->register_name)
      || !get_bytes (p, end, &out->entries, &out->entries_len))
    return FALSE;
  out->dtime = (gint64) dtime;
  out->replica = (guint) replica;
  return TRUE;
}

void
mmr_run_db_event_arrays_init (MmrRunDbEventArrays *a)
{
  a->met = g_array_new (FALSE, FALSE, sizeof (MmrEventVersion));
  a->kept = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  a->superseded = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  a->values = g_ptr_array_new_with_free_func (g_free);
}

void
mmr_run_db_event_arrays_clear (MmrRunDbEventArrays *a)
{
  g_array_unref (a->met);
  g_array_unref (a->kept);
  g_array_unref (a->superseded);
  g_ptr_array_unref (a->values);
}
