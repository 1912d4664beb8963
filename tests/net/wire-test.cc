// wire-test.cc - the wire format: round trips, exact bytes, hostile input
//
// The decoder is the one place where bytes from "outside" enter a replica,
// so most of this file feeds it broken input: every prefix of valid
// messages, hand-made malformed ones, random bytes and random mutations.
// Property loops use an explicitly seeded GRand and print the seed.

#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "net/wire.h"
}

namespace {

struct MessageDeleter {
  void operator() (MmrMessage *m) const { mmr_message_free (m); }
};
using MessagePtr = std::unique_ptr<MmrMessage, MessageDeleter>;

struct BytesDeleter {
  void operator() (GBytes *b) const { g_bytes_unref (b); }
};
using BytesPtr = std::unique_ptr<GBytes, BytesDeleter>;

std::string
Hex (GBytes *bytes)
{
  gsize n;
  const guint8 *d = static_cast<const guint8 *> (g_bytes_get_data (bytes, &n));
  std::string out;
  char buf[3];

  for (gsize i = 0; i < n; i++)
    {
      g_snprintf (buf, sizeof buf, "%02x", d[i]);
      out += buf;
    }
  return out;
}

BytesPtr
FromHex (const std::string &hex)
{
  std::vector<guint8> raw;

  for (size_t i = 0; i + 1 < hex.size (); i += 2)
    raw.push_back (static_cast<guint8> (
        std::stoul (hex.substr (i, 2), nullptr, 16)));
  return BytesPtr (g_bytes_new (raw.data (), raw.size ()));
}

BytesPtr
FromRaw (const std::vector<guint8> &raw)
{
  return BytesPtr (g_bytes_new (raw.data (), raw.size ()));
}

MmrVersion
MakeVersion (guint8 replica, guint32 counter, gint64 ts, const char *value)
{
  MmrVersion v = {};

  v.dot.replica = replica;
  v.dot.counter = counter;
  v.ts = ts;
  v.ts_logical = counter * 3;
  v.hlc.l = ts ^ 7;  // near ts but different, and never overflows
  v.hlc.c = counter + 1;
  v.value = g_strdup (value);
  return v;
}

MmrRegister *
MakeRegister (std::initializer_list<std::pair<guint, guint32>> vv,
              std::initializer_list<MmrVersion> siblings)
{
  MmrRegister *reg = mmr_register_new ();

  for (auto &e : vv)
    reg->vv.c[e.first] = e.second;
  mmr_register_reset_siblings (reg, siblings.size ());
  guint i = 0;
  for (auto &v : siblings)
    reg->siblings[i++] = v;
  return reg;
}

// The pushed write of docs/wire-format.md: replica B (index 1) has written
// cart = "milk" after seeing A's first write.
MessagePtr
MakePushedWrite ()
{
  MessagePtr msg (mmr_message_new (MMR_MSG_STATE));
  MmrVersion v = MakeVersion (1, 1, 1500000, "milk");

  v.ts_logical = 0;
  v.hlc.l = 1500000;
  v.hlc.c = 0;
  msg->lamport = 3;
  msg->hlc.l = 1500000;
  msg->hlc.c = 1;
  msg->exchange = 0;
  mmr_message_add_register (msg.get (), "cart",
                            MakeRegister ({ { 0, 1 }, { 1, 1 } }, { v }));
  return msg;
}

MessagePtr
MakeState ()
{
  MessagePtr msg (mmr_message_new (MMR_MSG_STATE));

  msg->lamport = G_MAXUINT64;
  msg->hlc.l = G_MININT64;
  msg->hlc.c = G_MAXUINT32;
  msg->exchange = 0;
  mmr_message_add_register (
      msg.get (), "user.name",
      MakeRegister ({ { 0, 2 }, { 3, 1 }, { 15, G_MAXUINT32 } },
                    { MakeVersion (0, 2, 1000000, "Ada"),
                      MakeVersion (15, G_MAXUINT32, -5, "Grace") }));
  // A tombstone, an empty value and a non-ASCII value.
  mmr_message_add_register (
      msg.get (), "cart",
      MakeRegister ({ { 1, 4 } }, { MakeVersion (1, 4, G_MAXINT64, nullptr),
                                    MakeVersion (1, 3, G_MININT64, ""),
                                    MakeVersion (1, 2, 0, "caf\xc3\xa9") }));
  mmr_message_add_register (msg.get (), "", MakeRegister ({}, {}));
  return msg;
}

MessagePtr
MakeDigest ()
{
  MessagePtr msg (mmr_message_new (MMR_MSG_DIGEST));

  msg->lamport = 17;
  msg->hlc.l = 2000000;
  msg->hlc.c = 2;
  msg->exchange = 9;
  mmr_message_add_register (msg.get (), "a",
                            MakeRegister ({ { 0, 3 }, { 2, 1 } }, {}));
  mmr_message_add_register (msg.get (), "b", MakeRegister ({ { 5, 1 } }, {}));
  return msg;
}

MessagePtr
MakeDigestReply ()
{
  MessagePtr msg (mmr_message_new (MMR_MSG_DIGEST_REPLY));

  msg->lamport = 18;
  msg->hlc.l = 2000100;
  msg->hlc.c = 0;
  msg->exchange = 9;
  mmr_message_add_register (
      msg.get (), "a",
      MakeRegister ({ { 0, 3 }, { 2, 1 } },
                    { MakeVersion (0, 3, 1999000, "x"),
                      MakeVersion (2, 1, 1999500, "y") }));
  mmr_message_add_need (msg.get (), "b");
  mmr_message_add_need (msg.get (), "c.d");
  return msg;
}

void
ExpectVersionEq (const MmrVersion &a, const MmrVersion &b)
{
  EXPECT_EQ (a.dot.replica, b.dot.replica);
  EXPECT_EQ (a.dot.counter, b.dot.counter);
  EXPECT_EQ (a.ts, b.ts);
  EXPECT_EQ (a.ts_logical, b.ts_logical);
  EXPECT_EQ (a.hlc.l, b.hlc.l);
  EXPECT_EQ (a.hlc.c, b.hlc.c);
  if (a.value == nullptr || b.value == nullptr)
    EXPECT_EQ (a.value, b.value);
  else
    EXPECT_STREQ (a.value, b.value);
}

// @with_siblings FALSE: a DIGEST, where only names and vvs travel.
void
ExpectMessageEq (const MmrMessage *a, const MmrMessage *b,
                 bool with_siblings = true)
{
  ASSERT_NE (a, nullptr);
  ASSERT_NE (b, nullptr);
  EXPECT_EQ (a->type, b->type);
  EXPECT_EQ (a->lamport, b->lamport);
  EXPECT_EQ (a->hlc.l, b->hlc.l);
  EXPECT_EQ (a->hlc.c, b->hlc.c);
  EXPECT_EQ (a->exchange, b->exchange);
  ASSERT_EQ (a->registers->len, b->registers->len);
  for (guint i = 0; i < a->registers->len; i++)
    {
      auto *ra = static_cast<MmrWireRegister *> (a->registers->pdata[i]);
      auto *rb = static_cast<MmrWireRegister *> (b->registers->pdata[i]);

      SCOPED_TRACE (ra->name);
      EXPECT_STREQ (ra->name, rb->name);
      for (guint r = 0; r < MMR_MAX_REPLICAS; r++)
        EXPECT_EQ (ra->reg->vv.c[r], rb->reg->vv.c[r]) << "replica " << r;
      if (!with_siblings)
        continue;
      ASSERT_EQ (ra->reg->n_siblings, rb->reg->n_siblings);
      for (guint s = 0; s < ra->reg->n_siblings; s++)
        ExpectVersionEq (ra->reg->siblings[s], rb->reg->siblings[s]);
    }
  ASSERT_EQ (a->need->len, b->need->len);
  for (guint i = 0; i < a->need->len; i++)
    EXPECT_STREQ (static_cast<char *> (a->need->pdata[i]),
                  static_cast<char *> (b->need->pdata[i]));
}

MessagePtr
Decode (GBytes *bytes, GError **error)
{
  return MessagePtr (mmr_wire_decode (bytes, error));
}

BytesPtr
Encode (const MmrMessage *msg, guint32 *metadata = nullptr)
{
  return BytesPtr (mmr_wire_encode (msg, metadata));
}

// Decoding @hex must fail with @code and exactly @message.
void
ExpectDecodeError (const std::string &hex, MmrWireError code,
                   const char *message)
{
  GError *error = nullptr;
  BytesPtr bytes = FromHex (hex);
  MessagePtr msg = Decode (bytes.get (), &error);

  SCOPED_TRACE (hex);
  EXPECT_EQ (msg.get (), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (error->domain, MMR_WIRE_ERROR);
  EXPECT_EQ (error->code, code);
  EXPECT_STREQ (error->message, message);
  g_error_free (error);
}

// The one property every input must satisfy: a message and no error, or
// an error in our domain and no message; and what decodes re-encodes to
// the very same bytes (decoding is the inverse of canonical encoding).
void
ExpectCleanDecode (GBytes *bytes)
{
  GError *error = nullptr;
  MessagePtr msg = Decode (bytes, &error);

  if (msg == nullptr)
    {
      ASSERT_NE (error, nullptr);
      EXPECT_EQ (error->domain, MMR_WIRE_ERROR);
      g_error_free (error);
      return;
    }
  EXPECT_EQ (error, nullptr);
  BytesPtr again = Encode (msg.get ());
  EXPECT_EQ (Hex (again.get ()), Hex (bytes));
}

}  // namespace

TEST (MmrWire, TypeNames)
{
  EXPECT_STREQ (mmr_msg_type_to_string (MMR_MSG_STATE), "state");
  EXPECT_STREQ (mmr_msg_type_to_string (MMR_MSG_DIGEST), "digest");
  EXPECT_STREQ (mmr_msg_type_to_string (MMR_MSG_DIGEST_REPLY),
                "digest-reply");
}

TEST (MmrWire, StateRoundTripsExactly)
{
  MessagePtr msg = MakeState ();
  BytesPtr bytes = Encode (msg.get ());
  GError *error = nullptr;
  MessagePtr back = Decode (bytes.get (), &error);

  ASSERT_EQ (error, nullptr) << error->message;
  ExpectMessageEq (msg.get (), back.get ());
  auto *cart = static_cast<MmrWireRegister *> (back->registers->pdata[1]);
  EXPECT_EQ (cart->reg->siblings[0].value, nullptr);  // tombstone
  EXPECT_STREQ (cart->reg->siblings[1].value, "");    // empty, not absent
}

TEST (MmrWire, DigestRoundTripsAndCarriesOnlyVersionVectors)
{
  MessagePtr msg = MakeDigest ();
  // Siblings a caller leaves in a digest's register are not sent.
  auto *a = static_cast<MmrWireRegister *> (msg->registers->pdata[0]);
  mmr_register_free (a->reg);
  a->reg = MakeRegister ({ { 0, 3 }, { 2, 1 } },
                         { MakeVersion (0, 3, 1, "dropped") });
  BytesPtr bytes = Encode (msg.get ());
  GError *error = nullptr;
  MessagePtr back = Decode (bytes.get (), &error);

  ASSERT_EQ (error, nullptr) << error->message;
  ExpectMessageEq (msg.get (), back.get (), false);
  for (guint i = 0; i < back->registers->len; i++)
    {
      auto *wr = static_cast<MmrWireRegister *> (back->registers->pdata[i]);
      EXPECT_EQ (wr->reg->n_siblings, 0u);
      EXPECT_EQ (wr->reg->siblings, nullptr);
    }
  EXPECT_EQ (Hex (bytes.get ()), Hex (Encode (MakeDigest ().get ()).get ()));
}

TEST (MmrWire, DigestReplyRoundTripsExactly)
{
  MessagePtr msg = MakeDigestReply ();
  BytesPtr bytes = Encode (msg.get ());
  GError *error = nullptr;
  MessagePtr back = Decode (bytes.get (), &error);

  ASSERT_EQ (error, nullptr) << error->message;
  ExpectMessageEq (msg.get (), back.get ());
}

TEST (MmrWire, EmptyMessagesRoundTrip)
{
  for (int t = MMR_MSG_STATE; t <= MMR_MSG_DIGEST_REPLY; t++)
    {
      MessagePtr msg (mmr_message_new (static_cast<MmrMsgType> (t)));
      BytesPtr bytes = Encode (msg.get ());
      GError *error = nullptr;
      MessagePtr back = Decode (bytes.get (), &error);

      SCOPED_TRACE (t);
      ASSERT_EQ (error, nullptr) << error->message;
      ExpectMessageEq (msg.get (), back.get ());
      // version, type, four zero varints, zero registers [, zero needs]
      EXPECT_EQ (g_bytes_get_size (bytes.get ()),
                 t == MMR_MSG_DIGEST_REPLY ? 8u : 7u);
    }
}

// The worked example of docs/wire-format.md, byte for byte.
TEST (MmrWire, PushedWriteHasDocumentedBytes)
{
  guint32 metadata = 0;
  BytesPtr bytes = Encode (MakePushedWrite ().get (), &metadata);

  EXPECT_EQ (Hex (bytes.get ()),
             "0101"          // version 1, STATE
             "03"            // Lamport 3
             "c08db701"      // HLC l = 1500000 (zig-zag 3000000)
             "01"            // HLC c = 1
             "00"            // exchange 0: a push
             "01"            // one register
             "0463617274"    // "cart"
             "0200010101"    // vv {A:1, B:1}
             "01"            // one sibling
             "0101"          // dot (B, 1)
             "c08db701"      // ts = 1500000
             "00"            // ts_logical = 0
             "c08db701"      // HLC l = 1500000
             "00"            // HLC c = 0
             "00"            // flags: a value follows
             "046d696c6b");  // "milk"
  EXPECT_EQ (g_bytes_get_size (bytes.get ()), 39u);
  // vv (5 bytes) + dot, ts, ts_logical, HLC (2 + 4 + 1 + 4 + 1 bytes)
  EXPECT_EQ (metadata, 17u);
}

TEST (MmrWire, MetadataCountsVectorsDotsAndClocksOnly)
{
  guint32 metadata = 0;

  // DIGEST: vv {A:3, C:1} is 5 bytes, vv {F:1} 3 bytes; names excluded.
  Encode (MakeDigest ().get (), &metadata);
  EXPECT_EQ (metadata, 8u);

  // DIGEST_REPLY: vv 5 bytes; each version is replica 1 + counter 1 +
  // ts 4 (1999000 zig-zags to 3998000, 22 bits) + ts_logical 1 + HLC l 4
  // + HLC c 1 = 12 bytes.  Needed names are not metadata.
  MessagePtr reply = MakeDigestReply ();
  guint32 metadata_without_need = 0;
  Encode (reply.get (), &metadata);
  g_ptr_array_set_size (reply->need, 0);
  Encode (reply.get (), &metadata_without_need);
  EXPECT_EQ (metadata, 5u + 2 * 12);
  EXPECT_EQ (metadata, metadata_without_need);

  // Longer values change the size, not the metadata.
  guint32 metadata_short = 0, metadata_long = 0;
  MessagePtr a = MakePushedWrite ();
  MessagePtr b = MakePushedWrite ();
  auto *wb = static_cast<MmrWireRegister *> (b->registers->pdata[0]);
  g_free (wb->reg->siblings[0].value);
  wb->reg->siblings[0].value = g_strdup ("a much longer value than milk");
  BytesPtr ba = Encode (a.get (), &metadata_short);
  BytesPtr bb = Encode (b.get (), &metadata_long);
  EXPECT_EQ (metadata_short, metadata_long);
  EXPECT_LT (g_bytes_get_size (ba.get ()), g_bytes_get_size (bb.get ()));

  // NULL is allowed for callers that do not care.
  EXPECT_NE (Encode (a.get (), nullptr), nullptr);
}

TEST (MmrWire, EqualMessagesEncodeToEqualBytes)
{
  BytesPtr a = Encode (MakeState ().get ());
  BytesPtr b = Encode (MakeState ().get ());

  EXPECT_TRUE (g_bytes_equal (a.get (), b.get ()));
}

TEST (MmrWire, VersionMismatchIsReportedExactly)
{
  ExpectDecodeError ("07010000000000", MMR_WIRE_ERROR_VERSION,
                     "unsupported wire format version 7 (this build speaks 1)");
  ExpectDecodeError ("00", MMR_WIRE_ERROR_VERSION,
                     "unsupported wire format version 0 (this build speaks 1)");
}

TEST (MmrWire, MalformedInputIsReportedExactly)
{
  ExpectDecodeError ("", MMR_WIRE_ERROR_TRUNCATED,
                     "truncated message: expected 1 byte of format version "
                     "at offset 0, 0 left");
  ExpectDecodeError ("0109000000000000", MMR_WIRE_ERROR_MALFORMED,
                     "unknown message type 9 at offset 1");
  ExpectDecodeError ("0100000000000000", MMR_WIRE_ERROR_MALFORMED,
                     "unknown message type 0 at offset 1");
  ExpectDecodeError ("01020000000000ff", MMR_WIRE_ERROR_MALFORMED,
                     "1 trailing byte after the message end at offset 7");
  ExpectDecodeError ("01020000000000ffff", MMR_WIRE_ERROR_MALFORMED,
                     "2 trailing bytes after the message end at offset 7");
  // Lamport clock as an 11-byte varint.
  ExpectDecodeError ("0101ffffffffffffffffffff01", MMR_WIRE_ERROR_MALFORMED,
                     "varint (Lamport clock) at offset 2 is longer than "
                     "10 bytes");
  ExpectDecodeError ("0101ffffffffffffffffff02", MMR_WIRE_ERROR_MALFORMED,
                     "varint (Lamport clock) at offset 2 overflows 64 bits");
  ExpectDecodeError ("01018000", MMR_WIRE_ERROR_MALFORMED,
                     "varint (Lamport clock) at offset 2 is not minimally "
                     "encoded");
  ExpectDecodeError ("010100008080808010", MMR_WIRE_ERROR_MALFORMED,
                     "HLC counter 4294967296 at offset 4 does not fit in "
                     "32 bits");
  ExpectDecodeError ("01010080", MMR_WIRE_ERROR_TRUNCATED,
                     "truncated message: expected a varint (HLC time) at "
                     "offset 3, 1 left");
  // DIGEST entry "a" with vv entries for replica 16, a duplicate, out of
  // order, a zero counter, too many entries.
  ExpectDecodeError ("01020000000001016101" "1001", MMR_WIRE_ERROR_MALFORMED,
                     "version vector replica 16 at offset 10 is out of range "
                     "(at most 15)");
  ExpectDecodeError ("01020000000001016103" "0201" "0502" "0203",
                     MMR_WIRE_ERROR_MALFORMED,
                     "duplicate replica 2 in version vector at offset 14");
  ExpectDecodeError ("01020000000001016102" "0501" "0201",
                     MMR_WIRE_ERROR_MALFORMED,
                     "version vector entries out of order at offset 12: "
                     "replica 2 after 5");
  ExpectDecodeError ("01020000000001016101" "0300", MMR_WIRE_ERROR_MALFORMED,
                     "zero counter for replica 3 in version vector at offset "
                     "10 (zero entries are omitted)");
  ExpectDecodeError ("01020000000001016111", MMR_WIRE_ERROR_MALFORMED,
                     "version vector at offset 9 has 17 entries (at most 16)");
  // STATE register "a", empty vv, one version.
  ExpectDecodeError ("0101000000000101610001" "11" "01000000000000",
                     MMR_WIRE_ERROR_MALFORMED,
                     "dot replica 17 at offset 11 is out of range "
                     "(at most 15)");
  ExpectDecodeError ("0101000000000101610001" "00010000000002",
                     MMR_WIRE_ERROR_MALFORMED,
                     "unknown flags 0x02 at offset 17");
  ExpectDecodeError ("0101000000000101610001" "0001000000000005" "6d69",
                     MMR_WIRE_ERROR_TRUNCATED,
                     "truncated message: expected 5 bytes of value at offset "
                     "19, 2 left");
  ExpectDecodeError ("0101000000000101610001" "00010000000000" "026100",
                     MMR_WIRE_ERROR_MALFORMED,
                     "value at offset 19 is not valid UTF-8 (or contains a "
                     "NUL byte)");
  ExpectDecodeError ("010100000000010261ff", MMR_WIRE_ERROR_MALFORMED,
                     "register name at offset 8 is not valid UTF-8 (or "
                     "contains a NUL byte)");
  // A count the remaining bytes cannot hold fails before allocating.
  ExpectDecodeError ("0101000000000101610064" "00010000000000",
                     MMR_WIRE_ERROR_TRUNCATED,
                     "truncated message: sibling count 100 at offset 10 "
                     "needs at least 7 bytes each, 7 left");
  ExpectDecodeError ("010100000000ffffffffffffffffff01",
                     MMR_WIRE_ERROR_TRUNCATED,
                     "truncated message: register count "
                     "18446744073709551615 at offset 6 needs at least 3 "
                     "bytes each, 0 left");
}

TEST (MmrWire, NoErrorLocationNeededForFailure)
{
  BytesPtr bytes = FromHex ("0105");

  EXPECT_EQ (mmr_wire_decode (bytes.get (), nullptr), nullptr);
}

TEST (MmrWire, EveryTruncationFailsCleanly)
{
  std::vector<MessagePtr> messages;
  messages.push_back (MakeState ());
  messages.push_back (MakeDigest ());
  messages.push_back (MakeDigestReply ());
  messages.push_back (MakePushedWrite ());

  for (auto &msg : messages)
    {
      BytesPtr full = Encode (msg.get ());
      gsize n;
      const guint8 *data
          = static_cast<const guint8 *> (g_bytes_get_data (full.get (), &n));

      for (gsize len = 0; len < n; len++)
        {
          // A fresh copy of exactly @len bytes, so a read past the end is a
          // heap overflow the sanitizers and valgrind can see.
          BytesPtr prefix (g_bytes_new (data, len));
          GError *error = nullptr;
          MessagePtr back = Decode (prefix.get (), &error);

          SCOPED_TRACE (testing::Message ()
                        << mmr_msg_type_to_string (msg->type) << " prefix "
                        << len << " of " << n);
          EXPECT_EQ (back.get (), nullptr);
          ASSERT_NE (error, nullptr);
          EXPECT_EQ (error->domain, MMR_WIRE_ERROR);
          EXPECT_EQ (error->code, MMR_WIRE_ERROR_TRUNCATED) << error->message;
          EXPECT_TRUE (g_str_has_prefix (error->message,
                                         "truncated message: "));
          g_error_free (error);
        }
    }
}

TEST (MmrWire, RandomBytesNeverCrash)
{
  const guint32 seed = 20240607;
  GRand *rand = g_rand_new_with_seed (seed);

  for (int i = 0; i < 10000; i++)
    {
      std::vector<guint8> raw (g_rand_int_range (rand, 0, 80));

      for (auto &b : raw)
        b = g_rand_int_range (rand, 0, 256);
      // Most inputs should get past the header to exercise the body.
      if (raw.size () >= 2 && g_rand_boolean (rand))
        {
          raw[0] = MMR_WIRE_VERSION;
          raw[1] = g_rand_int_range (rand, 1, 4);
        }
      SCOPED_TRACE (testing::Message () << "seed " << seed << " case " << i);
      ExpectCleanDecode (FromRaw (raw).get ());
      if (HasFatalFailure ())
        break;
    }
  g_rand_free (rand);
}

// Random edits of valid messages reach much deeper than random bytes:
// some still decode, and those must re-encode to the same bytes.
TEST (MmrWire, MutatedMessagesDecodeCleanlyAndCanonically)
{
  const guint32 seed = 7;
  GRand *rand = g_rand_new_with_seed (seed);
  std::vector<std::vector<guint8>> corpus;
  std::vector<MessagePtr> messages;
  messages.push_back (MakeState ());
  messages.push_back (MakeDigest ());
  messages.push_back (MakeDigestReply ());
  messages.push_back (MakePushedWrite ());
  for (auto &msg : messages)
    {
      BytesPtr b = Encode (msg.get ());
      const guint8 *d = static_cast<const guint8 *> (
          g_bytes_get_data (b.get (), nullptr));
      corpus.emplace_back (d, d + g_bytes_get_size (b.get ()));
    }

  int n_decoded = 0;
  for (int i = 0; i < 10000; i++)
    {
      std::vector<guint8> raw = corpus[i % corpus.size ()];
      int n_edits = g_rand_int_range (rand, 1, 4);

      for (int e = 0; e < n_edits && !raw.empty (); e++)
        {
          gsize at = g_rand_int_range (rand, 0, raw.size ());
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              raw[at] ^= 1u << g_rand_int_range (rand, 0, 8);
              break;
            case 1:
              raw[at] = g_rand_int_range (rand, 0, 256);
              break;
            case 2:
              raw.erase (raw.begin () + at);
              break;
            default:
              raw.insert (raw.begin () + at, g_rand_int_range (rand, 0, 256));
            }
        }
      SCOPED_TRACE (testing::Message () << "seed " << seed << " case " << i);
      BytesPtr bytes = FromRaw (raw);
      GError *error = nullptr;
      MessagePtr msg = Decode (bytes.get (), &error);
      if (msg != nullptr)
        n_decoded++;
      g_clear_error (&error);
      ExpectCleanDecode (bytes.get ());
      if (HasFatalFailure ())
        break;
    }
  // Edits of values and counters keep messages valid: the canonical
  // re-encoding check above must actually have run.
  EXPECT_GT (n_decoded, 100) << "seed " << seed;
  g_rand_free (rand);
}

// A 32-bit number of random magnitude, so varints of every length occur.
// (Two statements: the order of the two draws must not be up to the
// compiler, or a seed would not reproduce a case.)
static guint32
SmallU32 (GRand *rand)
{
  guint32 v = g_rand_int (rand);

  return v >> g_rand_int_range (rand, 0, 32);
}

TEST (MmrWire, RandomMessagesRoundTrip)
{
  const guint32 seed = 99;
  GRand *rand = g_rand_new_with_seed (seed);

  for (int i = 0; i < 500; i++)
    {
      auto type = static_cast<MmrMsgType> (g_rand_int_range (rand, 1, 4));
      MessagePtr msg (mmr_message_new (type));

      msg->lamport = (guint64) g_rand_int (rand);
      msg->lamport <<= g_rand_int_range (rand, 0, 33);
      msg->hlc.l = (gint64) g_rand_int (rand) - G_MAXINT32;
      msg->hlc.c = SmallU32 (rand);
      msg->exchange = g_rand_int (rand);
      for (int r = g_rand_int_range (rand, 0, 4); r > 0; r--)
        {
          MmrRegister *reg = mmr_register_new ();
          g_autofree char *name = g_strdup_printf ("k%u", g_rand_int (rand));

          for (guint j = 0; j < MMR_MAX_REPLICAS; j++)
            if (g_rand_boolean (rand))
              reg->vv.c[j] = SmallU32 (rand);
          if (type != MMR_MSG_DIGEST)
            {
              mmr_register_reset_siblings (reg,
                                           g_rand_int_range (rand, 0, 4));
              for (guint s = 0; s < reg->n_siblings; s++)
                {
                  guint8 replica = g_rand_int_range (rand, 0, MMR_MAX_REPLICAS);
                  guint32 counter = g_rand_int (rand);
                  gint64 ts = g_rand_double_range (rand, -1e15, 1e15);
                  bool is_tombstone = g_rand_boolean (rand);

                  reg->siblings[s] = MakeVersion (
                      replica, counter, ts, is_tombstone ? nullptr : "v");
                }
            }
          mmr_message_add_register (msg.get (), name, reg);
        }
      if (type == MMR_MSG_DIGEST_REPLY)
        for (int r = g_rand_int_range (rand, 0, 3); r > 0; r--)
          mmr_message_add_need (msg.get (), "need");

      SCOPED_TRACE (testing::Message () << "seed " << seed << " case " << i);
      BytesPtr bytes = Encode (msg.get ());
      GError *error = nullptr;
      MessagePtr back = Decode (bytes.get (), &error);
      ASSERT_EQ (error, nullptr) << error->message;
      ExpectMessageEq (msg.get (), back.get ());
      EXPECT_TRUE (g_bytes_equal (bytes.get (), Encode (back.get ()).get ()));
    }
  g_rand_free (rand);
}

// ---- decoding into a reused message (mmr_wire_decode_into) -------------
//
// A decoded message keeps its registers, versions and strings in storage
// that is reused by the next decode. These tests decode different messages
// one after another into the same MmrMessage and compare with a fresh
// decode: stale pointers or leftovers from the previous message show up
// as different bytes on re-encoding (and as errors under ASan).

namespace {

// DIGEST_REPLY with three registers (2, 0 and 3 siblings) and three needs.
MessagePtr
MakeBigDigestReply ()
{
  MessagePtr msg (mmr_message_new (MMR_MSG_DIGEST_REPLY));

  msg->lamport = 1000;
  msg->hlc.l = -77;
  msg->hlc.c = 300;
  msg->exchange = 41;
  mmr_message_add_register (
      msg.get (), "alpha",
      MakeRegister ({ { 0, 3 }, { 2, 1 } },
                    { MakeVersion (0, 3, 1999000, "first value"),
                      MakeVersion (2, 1, 1999500, nullptr) }));
  mmr_message_add_register (msg.get (), "beta",
                            MakeRegister ({ { 7, 12 } }, {}));
  mmr_message_add_register (
      msg.get (), "gamma.\xc3\xa9t\xc3\xa9",
      MakeRegister ({ { 1, 2 }, { 4, 1 }, { 9, 300 } },
                    { MakeVersion (1, 2, -5, "\xe2\x82\xac" "42"),
                      MakeVersion (4, 1, 0, ""),
                      MakeVersion (9, 300, G_MAXINT64, "z") }));
  mmr_message_add_need (msg.get (), "delta");
  mmr_message_add_need (msg.get (), "epsilon.field");
  mmr_message_add_need (msg.get (), "\xe6\x97\xa5");
  return msg;
}

MessagePtr
MakeMerkleBuckets ()
{
  MessagePtr msg (mmr_message_new (MMR_MSG_MERKLE));
  MmrMerkleNode nodes[] = { { 3, 0 }, { 200, 0 }, { 70000, 0 } };

  msg->lamport = 55;
  msg->hlc.l = 123456;
  msg->hlc.c = 2;
  msg->exchange = 8;
  msg->step = MMR_MERKLE_BUCKETS;
  g_array_append_vals (msg->nodes, nodes, G_N_ELEMENTS (nodes));
  mmr_message_add_register (msg.get (), "m1",
                            MakeRegister ({ { 0, 1 }, { 15, 9 } }, {}));
  mmr_message_add_register (msg.get (), "m2", MakeRegister ({}, {}));
  return msg;
}

void
ExpectNodesEq (const MmrMessage *a, const MmrMessage *b)
{
  EXPECT_EQ (a->step, b->step);
  ASSERT_EQ (a->nodes->len, b->nodes->len);
  for (guint i = 0; i < a->nodes->len; i++)
    {
      EXPECT_EQ (g_array_index (a->nodes, MmrMerkleNode, i).node,
                 g_array_index (b->nodes, MmrMerkleNode, i).node) << i;
      EXPECT_EQ (g_array_index (a->nodes, MmrMerkleNode, i).hash,
                 g_array_index (b->nodes, MmrMerkleNode, i).hash) << i;
    }
}

// @reused holds what @bytes decodes to: the same as a fresh decode, and
// it re-encodes to @bytes exactly.
void
ExpectSameAsFreshDecode (GBytes *bytes, const MmrMessage *reused)
{
  GError *error = nullptr;
  MessagePtr fresh = Decode (bytes, &error);

  ASSERT_EQ (error, nullptr) << error->message;
  ASSERT_NE (fresh, nullptr);
  ExpectMessageEq (fresh.get (), reused, fresh->type != MMR_MSG_DIGEST
                                         && fresh->type != MMR_MSG_MERKLE);
  ExpectNodesEq (fresh.get (), reused);
  EXPECT_EQ (Hex (Encode (reused).get ()), Hex (bytes));
  EXPECT_EQ (Hex (Encode (fresh.get ()).get ()), Hex (bytes));
}

// The message decode_into leaves after a failure.
void
ExpectEmptyDecoded (const MmrMessage *msg)
{
  EXPECT_EQ (msg->type, MMR_MSG_STATE);
  EXPECT_EQ (msg->lamport, 0u);
  EXPECT_EQ (msg->hlc.l, 0);
  EXPECT_EQ (msg->hlc.c, 0u);
  EXPECT_EQ (msg->exchange, 0u);
  EXPECT_EQ (msg->registers->len, 0u);
  EXPECT_EQ (msg->need->len, 0u);
  EXPECT_EQ (msg->crdts->len, 0u);
  EXPECT_EQ (msg->nodes->len, 0u);
  EXPECT_NE (msg->decoded, nullptr);
}

// A random register name or value: ASCII, with some multi-byte UTF-8.
std::string
RandomText (GRand *rand, guint max_len)
{
  static const char *const pieces[] = { "a", "Z", "0", ".", " ", "~",
                                        "\xc3\xa9", "\xe2\x82\xac",
                                        "\xf0\x9f\x9b\x92", "\x7f", "\x01" };
  std::string s;
  guint n = g_rand_int_range (rand, 0, max_len + 1);

  for (guint i = 0; i < n; i++)
    s += pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];
  return s;
}

// A random STATE, DIGEST, DIGEST_REPLY or MERKLE BUCKETS message whose
// size grows with @scale: up to @scale registers, values up to 4 * @scale
// pieces long.
MessagePtr
RandomMessage (GRand *rand, guint scale)
{
  static const MmrMsgType types[] = { MMR_MSG_STATE, MMR_MSG_DIGEST,
                                      MMR_MSG_DIGEST_REPLY, MMR_MSG_MERKLE };
  MmrMsgType type = types[g_rand_int_range (rand, 0, 4)];
  MessagePtr msg (mmr_message_new (type));
  bool with_siblings = type == MMR_MSG_STATE || type == MMR_MSG_DIGEST_REPLY;

  msg->lamport = (guint64) g_rand_int (rand);
  msg->lamport <<= g_rand_int_range (rand, 0, 33);
  msg->hlc.l = (gint64) g_rand_int (rand) - G_MAXINT32;
  msg->hlc.c = SmallU32 (rand);
  msg->exchange = g_rand_int (rand);
  if (type == MMR_MSG_MERKLE)
    {
      msg->step = MMR_MERKLE_BUCKETS;
      for (int n = g_rand_int_range (rand, 0, 4); n > 0; n--)
        {
          MmrMerkleNode node = { SmallU32 (rand), 0 };
          g_array_append_val (msg->nodes, node);
        }
    }
  for (int r = g_rand_int_range (rand, 0, scale + 1); r > 0; r--)
    {
      MmrRegister *reg = mmr_register_new ();
      std::string name = RandomText (rand, 2 + scale / 4);

      for (guint j = 0; j < MMR_MAX_REPLICAS; j++)
        if (g_rand_boolean (rand))
          reg->vv.c[j] = SmallU32 (rand) | 1;
      if (with_siblings)
        {
          mmr_register_reset_siblings (reg, g_rand_int_range (rand, 0, 4));
          for (guint s = 0; s < reg->n_siblings; s++)
            {
              guint8 replica = g_rand_int_range (rand, 0, MMR_MAX_REPLICAS);
              guint32 counter = g_rand_int (rand);
              gint64 ts = g_rand_double_range (rand, -1e15, 1e15);
              bool is_tombstone = g_rand_int_range (rand, 0, 4) == 0;
              std::string value = RandomText (rand, 4 * scale);

              reg->siblings[s] = MakeVersion (
                  replica, counter, ts,
                  is_tombstone ? nullptr : value.c_str ());
            }
        }
      mmr_message_add_register (msg.get (), name.c_str (), reg);
    }
  if (type == MMR_MSG_DIGEST_REPLY)
    for (int r = g_rand_int_range (rand, 0, scale / 2 + 2); r > 0; r--)
      mmr_message_add_need (msg.get (), RandomText (rand, 8).c_str ());
  return msg;
}

// Counts criticals (g_return_if_fail) instead of printing them.
void
CountCritical (const gchar *, GLogLevelFlags level, const gchar *message,
               gpointer user_data)
{
  if (level & G_LOG_LEVEL_CRITICAL)
    static_cast<std::vector<std::string> *> (user_data)->push_back (message);
}

}  // namespace

TEST (MmrWireDecodeInto, NewDecodedMessageIsEmpty)
{
  MessagePtr msg (mmr_message_new_decoded ());

  ExpectEmptyDecoded (msg.get ());
}

TEST (MmrWireDecodeInto, ThreeDifferentMessagesIntoOne)
{
  BytesPtr reply = Encode (MakeBigDigestReply ().get ());
  BytesPtr push = Encode (MakePushedWrite ().get ());
  BytesPtr merkle = Encode (MakeMerkleBuckets ().get ());
  MessagePtr msg (mmr_message_new_decoded ());
  GError *error = nullptr;

  // big, then small, then another kind; then the same in reverse
  for (GBytes *bytes : { reply.get (), push.get (), merkle.get (),
                         push.get (), reply.get (), reply.get () })
    {
      ASSERT_TRUE (mmr_wire_decode_into (bytes, msg.get (), &error))
          << error->message;
      ExpectSameAsFreshDecode (bytes, msg.get ());
    }

  // And exact contents, not only agreement with mmr_wire_decode.
  ASSERT_TRUE (mmr_wire_decode_into (reply.get (), msg.get (), &error));
  EXPECT_EQ (msg->type, MMR_MSG_DIGEST_REPLY);
  EXPECT_EQ (msg->exchange, 41u);
  ASSERT_EQ (msg->registers->len, 3u);
  ASSERT_EQ (msg->need->len, 3u);
  auto *gamma = static_cast<MmrWireRegister *> (msg->registers->pdata[2]);
  EXPECT_STREQ (gamma->name, "gamma.\xc3\xa9t\xc3\xa9");
  ASSERT_EQ (gamma->reg->n_siblings, 3u);
  EXPECT_STREQ (gamma->reg->siblings[0].value, "\xe2\x82\xac" "42");
  EXPECT_STREQ (gamma->reg->siblings[1].value, "");
  EXPECT_EQ (gamma->reg->siblings[2].dot.counter, 300u);
  EXPECT_EQ (gamma->reg->vv.c[9], 300u);
  auto *beta = static_cast<MmrWireRegister *> (msg->registers->pdata[1]);
  EXPECT_EQ (beta->reg->n_siblings, 0u);
  EXPECT_EQ (beta->reg->siblings, nullptr);
  auto *alpha = static_cast<MmrWireRegister *> (msg->registers->pdata[0]);
  EXPECT_EQ (alpha->reg->siblings[1].value, nullptr);  // tombstone
  EXPECT_STREQ (static_cast<char *> (msg->need->pdata[2]), "\xe6\x97\xa5");

  ASSERT_TRUE (mmr_wire_decode_into (push.get (), msg.get (), &error));
  EXPECT_EQ (msg->type, MMR_MSG_STATE);
  EXPECT_EQ (msg->registers->len, 1u);
  EXPECT_EQ (msg->need->len, 0u);  // no needs left over from the reply
  EXPECT_EQ (msg->nodes->len, 0u);

  ASSERT_TRUE (mmr_wire_decode_into (merkle.get (), msg.get (), &error));
  EXPECT_EQ (msg->type, MMR_MSG_MERKLE);
  EXPECT_EQ (msg->step, MMR_MERKLE_BUCKETS);
  ASSERT_EQ (msg->nodes->len, 3u);
  EXPECT_EQ (g_array_index (msg->nodes, MmrMerkleNode, 2).node, 70000u);
  ASSERT_EQ (msg->registers->len, 2u);
  auto *m1 = static_cast<MmrWireRegister *> (msg->registers->pdata[0]);
  EXPECT_STREQ (m1->name, "m1");
  EXPECT_EQ (m1->reg->vv.c[15], 9u);
  EXPECT_EQ (m1->reg->n_siblings, 0u);
  EXPECT_EQ (msg->need->len, 0u);

  // The next decode after a MERKLE starts from step ASK again.
  ASSERT_TRUE (mmr_wire_decode_into (push.get (), msg.get (), &error));
  EXPECT_EQ (msg->step, MMR_MERKLE_ASK);
  EXPECT_EQ (msg->nodes->len, 0u);
}

// mmr_wire_decode is decode_into a new message: a message it returned can
// itself be decoded into.
TEST (MmrWireDecodeInto, DecodeIntoAMessageFromDecode)
{
  BytesPtr reply = Encode (MakeBigDigestReply ().get ());
  BytesPtr push = Encode (MakePushedWrite ().get ());
  GError *error = nullptr;
  MessagePtr msg = Decode (push.get (), &error);

  ASSERT_NE (msg, nullptr);
  ASSERT_TRUE (mmr_wire_decode_into (reply.get (), msg.get (), &error));
  ExpectSameAsFreshDecode (reply.get (), msg.get ());
}

TEST (MmrWireDecodeInto, FailureLeavesTheMessageEmptyAndReusable)
{
  BytesPtr reply = Encode (MakeBigDigestReply ().get ());
  BytesPtr merkle = Encode (MakeMerkleBuckets ().get ());
  MessagePtr msg (mmr_message_new_decoded ());
  GError *error = nullptr;
  gsize n;
  const guint8 *data
      = static_cast<const guint8 *> (g_bytes_get_data (reply.get (), &n));

  ASSERT_TRUE (mmr_wire_decode_into (reply.get (), msg.get (), &error));
  ASSERT_EQ (msg->registers->len, 3u);

  // The reply without its last byte: every register and two needs were
  // read before the last need ("\xe6\x97\xa5", 3 bytes) ran out.
  BytesPtr cut (g_bytes_new (data, n - 1));
  EXPECT_FALSE (mmr_wire_decode_into (cut.get (), msg.get (), &error));
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (error->code, MMR_WIRE_ERROR_TRUNCATED);
  g_autofree char *want = g_strdup_printf (
      "truncated message: expected 3 bytes of needed name at offset %"
      G_GSIZE_FORMAT ", 2 left", n - 3);
  EXPECT_STREQ (error->message, want);
  g_clear_error (&error);
  ExpectEmptyDecoded (msg.get ());

  // A good message into it afterwards.
  ASSERT_TRUE (mmr_wire_decode_into (merkle.get (), msg.get (), &error));
  ExpectSameAsFreshDecode (merkle.get (), msg.get ());

  // Trailing bytes: the whole message was read, then refused.
  std::vector<guint8> longer (data, data + n);
  longer.push_back (0);
  BytesPtr trailing = FromRaw (longer);
  EXPECT_FALSE (mmr_wire_decode_into (trailing.get (), msg.get (), &error));
  ASSERT_NE (error, nullptr);
  g_autofree char *want_trailing = g_strdup_printf (
      "1 trailing byte after the message end at offset %" G_GSIZE_FORMAT, n);
  EXPECT_STREQ (error->message, want_trailing);
  g_clear_error (&error);
  ExpectEmptyDecoded (msg.get ());

  // A MERKLE cut inside its registers: nodes were read, then dropped.
  gsize mn;
  const guint8 *mdata
      = static_cast<const guint8 *> (g_bytes_get_data (merkle.get (), &mn));
  BytesPtr mcut (g_bytes_new (mdata, mn - 1));
  EXPECT_FALSE (mmr_wire_decode_into (mcut.get (), msg.get (), &error));
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (error->code, MMR_WIRE_ERROR_TRUNCATED);
  g_clear_error (&error);
  ExpectEmptyDecoded (msg.get ());

  // A failure with no GError asked for.
  EXPECT_FALSE (mmr_wire_decode_into (cut.get (), msg.get (), nullptr));
  ExpectEmptyDecoded (msg.get ());

  ASSERT_TRUE (mmr_wire_decode_into (reply.get (), msg.get (), &error));
  ExpectSameAsFreshDecode (reply.get (), msg.get ());
}

// Every truncation of the big reply, into one message, alternating with
// good decodes of it.
TEST (MmrWireDecodeInto, EveryTruncationIntoOneMessage)
{
  BytesPtr reply = Encode (MakeBigDigestReply ().get ());
  MessagePtr msg (mmr_message_new_decoded ());
  gsize n;
  const guint8 *data
      = static_cast<const guint8 *> (g_bytes_get_data (reply.get (), &n));

  for (gsize len = 0; len < n; len++)
    {
      SCOPED_TRACE (testing::Message () << "prefix " << len << " of " << n);
      BytesPtr prefix (g_bytes_new (data, len));
      GError *error = nullptr;

      EXPECT_FALSE (mmr_wire_decode_into (prefix.get (), msg.get (), &error));
      ASSERT_NE (error, nullptr);
      EXPECT_EQ (error->code, MMR_WIRE_ERROR_TRUNCATED) << error->message;
      g_error_free (error);
      ExpectEmptyDecoded (msg.get ());
      ASSERT_TRUE (mmr_wire_decode_into (reply.get (), msg.get (), nullptr));
      ExpectSameAsFreshDecode (reply.get (), msg.get ());
    }
}

// The random round-trip property, with ONE decoded message for every case:
// messages grow with the seed (the storage is outgrown again and again),
// and every fifth case a broken one is decoded in between.
TEST (MmrWireDecodeInto, RandomMessagesRoundTripThroughOneMessage)
{
  MessagePtr reused (mmr_message_new_decoded ());

  for (guint32 seed = 1; seed <= 2000; seed++)
    {
      SCOPED_TRACE (testing::Message () << "seed " << seed);
      GRand *rand = g_rand_new_with_seed (seed);
      // small first, large later, with a small one now and then
      guint scale = g_rand_int_range (rand, 0, 4) == 0 ? 1 : 1 + seed / 40;
      MessagePtr msg = RandomMessage (rand, scale);
      BytesPtr bytes = Encode (msg.get ());
      GError *error = nullptr;

      if (seed % 5 == 0)
        {
          gsize n;
          const guint8 *d = static_cast<const guint8 *> (
              g_bytes_get_data (bytes.get (), &n));
          BytesPtr broken (g_bytes_new (d, g_rand_int_range (rand, 0, n)));

          EXPECT_FALSE (mmr_wire_decode_into (broken.get (), reused.get (),
                                              &error));
          g_clear_error (&error);
          ExpectEmptyDecoded (reused.get ());
        }
      bool ok = mmr_wire_decode_into (bytes.get (), reused.get (), &error);
      g_rand_free (rand);
      ASSERT_TRUE (ok) << error->message;
      ExpectMessageEq (msg.get (), reused.get (),
                       msg->type == MMR_MSG_STATE
                       || msg->type == MMR_MSG_DIGEST_REPLY);
      ExpectNodesEq (msg.get (), reused.get ());
      ASSERT_EQ (Hex (Encode (reused.get ()).get ()), Hex (bytes.get ()));
      if (HasFailure ())
        break;
    }
}

TEST (MmrWireDecodeInto, DecodedMessageRefusesAdditions)
{
  BytesPtr reply = Encode (MakeBigDigestReply ().get ());
  MessagePtr msg (mmr_message_new_decoded ());
  std::vector<std::string> criticals;

  ASSERT_TRUE (mmr_wire_decode_into (reply.get (), msg.get (), nullptr));
  GLogFunc old = g_log_set_default_handler (CountCritical, &criticals);
  MmrRegister *reg = mmr_register_new ();
  mmr_message_add_register (msg.get (), "extra", reg);
  mmr_message_add_need (msg.get (), "extra");
  g_log_set_default_handler (old, nullptr);

  ASSERT_EQ (criticals.size (), 2u);
  EXPECT_NE (criticals[0].find ("msg->decoded == NULL"), std::string::npos)
      << criticals[0];
  EXPECT_NE (criticals[1].find ("msg->decoded == NULL"), std::string::npos)
      << criticals[1];
  EXPECT_EQ (msg->registers->len, 3u);
  EXPECT_EQ (msg->need->len, 3u);
  mmr_register_free (reg);  // not taken
  ExpectSameAsFreshDecode (reply.get (), msg.get ());
}

// ---- mmr_wire_encode_push ---------------------------------------------

namespace {

// The same register as a hand-built one-register STATE message.
void
ExpectPushEqualsState (guint64 lamport, MmrHlc hlc, const char *name,
                       MmrRegister *reg)
{
  MessagePtr msg (mmr_message_new (MMR_MSG_STATE));
  guint32 meta_push = 12345, meta_state = 54321;

  msg->lamport = lamport;
  msg->hlc = hlc;
  msg->exchange = 0;
  mmr_message_add_register (msg.get (), name, mmr_register_copy (reg));
  BytesPtr push (mmr_wire_encode_push (lamport, hlc, name, reg, &meta_push));
  BytesPtr state = Encode (msg.get (), &meta_state);

  ASSERT_NE (push, nullptr);
  EXPECT_EQ (Hex (push.get ()), Hex (state.get ()));
  EXPECT_EQ (meta_push, meta_state);
  // NULL metadata is allowed
  BytesPtr again (mmr_wire_encode_push (lamport, hlc, name, reg, nullptr));
  EXPECT_TRUE (g_bytes_equal (again.get (), push.get ()));
  // and it decodes back to the register
  GError *error = nullptr;
  MessagePtr back = Decode (push.get (), &error);
  ASSERT_NE (back, nullptr) << error->message;
  ExpectMessageEq (msg.get (), back.get ());
}

}  // namespace

TEST (MmrWireEncodePush, SameBytesAndMetadataAsAStateMessage)
{
  MmrHlc hlc = { 1500000, 1 };
  MmrHlc extreme = { G_MININT64, G_MAXUINT32 };

  {
    SCOPED_TRACE ("the documented push");
    MmrVersion v = MakeVersion (1, 1, 1500000, "milk");
    v.ts_logical = 0;
    v.hlc.l = 1500000;
    v.hlc.c = 0;
    MmrRegister *reg = MakeRegister ({ { 0, 1 }, { 1, 1 } }, { v });
    ExpectPushEqualsState (3, hlc, "cart", reg);
    guint32 meta = 0;
    BytesPtr b (mmr_wire_encode_push (3, hlc, "cart", reg, &meta));
    EXPECT_EQ (g_bytes_get_size (b.get ()), 39u);
    EXPECT_EQ (meta, 17u);
    mmr_register_free (reg);
  }
  {
    SCOPED_TRACE ("no siblings, empty vv");
    MmrRegister *reg = MakeRegister ({}, {});
    ExpectPushEqualsState (0, { 0, 0 }, "empty", reg);
    mmr_register_free (reg);
  }
  {
    SCOPED_TRACE ("no siblings, full vv");
    MmrRegister *reg = mmr_register_new ();
    for (guint r = 0; r < MMR_MAX_REPLICAS; r++)
      reg->vv.c[r] = G_MAXUINT32 - r;
    ExpectPushEqualsState (G_MAXUINT64, extreme, "full", reg);
    mmr_register_free (reg);
  }
  {
    SCOPED_TRACE ("one sibling, a tombstone");
    MmrRegister *reg
        = MakeRegister ({ { 5, 2 } }, { MakeVersion (5, 2, -1, nullptr) });
    ExpectPushEqualsState (7, hlc, "deleted", reg);
    mmr_register_free (reg);
  }
  {
    SCOPED_TRACE ("three siblings: non-ASCII, empty, tombstone");
    MmrRegister *reg = MakeRegister (
        { { 0, 2 }, { 3, 1 }, { 15, G_MAXUINT32 } },
        { MakeVersion (0, 2, 1000000, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9b\x92"),
          MakeVersion (3, 1, G_MININT64, ""),
          MakeVersion (15, G_MAXUINT32, G_MAXINT64, nullptr) });
    ExpectPushEqualsState (99, extreme, "user.\xc3\xa9", reg);
    mmr_register_free (reg);
  }
  {
    SCOPED_TRACE ("long name and long value (beyond any size hint)");
    std::string name (5000, 'n');
    std::string value (100000, 'v');
    MmrRegister *reg = MakeRegister (
        { { 2, 1 } }, { MakeVersion (2, 1, 5, value.c_str ()),
                        MakeVersion (2, 1, 6, value.c_str ()) });
    ExpectPushEqualsState (1, hlc, name.c_str (), reg);
    mmr_register_free (reg);
  }
  {
    SCOPED_TRACE ("empty name");
    MmrRegister *reg = MakeRegister ({ { 1, 1 } },
                                     { MakeVersion (1, 1, 1, "x") });
    ExpectPushEqualsState (1, hlc, "", reg);
    mmr_register_free (reg);
  }
}

// ---- strings: the ASCII fast path and UTF-8 validation ------------------

// STATE register "a", empty vv, one version (1, 0, ...), then @value_hex
// (length + bytes).
static std::string
OneValueHex (const std::string &value_hex)
{
  return "0101000000000101610001" "00010000000000" + value_hex;
}

TEST (MmrWireStrings, NonAsciiValuesAndNamesDecode)
{
  struct
  {
    const char *hex;
    const char *value;
  } cases[] = {
    { "0563616bc3a9", "cak\xc3\xa9" },                 // 2-byte sequence
    { "03e282ac", "\xe2\x82\xac" },                    // 3-byte (euro)
    { "04f09f9b92", "\xf0\x9f\x9b\x92" },              // 4-byte (emoji)
    { "037f017e", "\x7f\x01\x7e" },                    // ASCII edges: DEL, 1
    { "06e697a5e69cac", "\xe6\x97\xa5\xe6\x9c\xac" },  // 日本
  };

  for (auto &c : cases)
    {
      SCOPED_TRACE (c.hex);
      BytesPtr bytes = FromHex (OneValueHex (c.hex));
      GError *error = nullptr;
      MessagePtr msg = Decode (bytes.get (), &error);

      ASSERT_NE (msg, nullptr) << error->message;
      auto *wr = static_cast<MmrWireRegister *> (msg->registers->pdata[0]);
      EXPECT_STREQ (wr->reg->siblings[0].value, c.value);
      EXPECT_EQ (Hex (Encode (msg.get ()).get ()), Hex (bytes.get ()));
    }

  // A non-ASCII register name.
  BytesPtr name = FromHex ("0101000000000102c3a90000");
  GError *error = nullptr;
  MessagePtr msg = Decode (name.get (), &error);
  ASSERT_NE (msg, nullptr) << error->message;
  EXPECT_STREQ (static_cast<MmrWireRegister *> (msg->registers->pdata[0])->name,
                "\xc3\xa9");
}

TEST (MmrWireStrings, NulAndInvalidUtf8AreRejected)
{
  const char *value_error = "value at offset 19 is not valid UTF-8 (or "
                            "contains a NUL byte)";

  ExpectDecodeError (OneValueHex ("03610062"), MMR_WIRE_ERROR_MALFORMED,
                     value_error);  // "a\0b"
  ExpectDecodeError (OneValueHex ("0100"), MMR_WIRE_ERROR_MALFORMED,
                     value_error);  // a lone NUL
  ExpectDecodeError (OneValueHex ("02c328"), MMR_WIRE_ERROR_MALFORMED,
                     value_error);  // 0xC3 0x28: bad continuation
  ExpectDecodeError (OneValueHex ("0180"), MMR_WIRE_ERROR_MALFORMED,
                     value_error);  // a lone continuation byte
  ExpectDecodeError (OneValueHex ("03e282"), MMR_WIRE_ERROR_TRUNCATED,
                     "truncated message: expected 3 bytes of value at offset "
                     "19, 2 left");
  ExpectDecodeError (OneValueHex ("02e282"), MMR_WIRE_ERROR_MALFORMED,
                     value_error);  // a sequence cut by its length
  ExpectDecodeError (OneValueHex ("02c0af"), MMR_WIRE_ERROR_MALFORMED,
                     value_error);  // overlong '/'
  ExpectDecodeError (OneValueHex ("03eda080"), MMR_WIRE_ERROR_MALFORMED,
                     value_error);  // a UTF-16 surrogate
  ExpectDecodeError ("0101000000000102c32800", MMR_WIRE_ERROR_MALFORMED,
                     "register name at offset 8 is not valid UTF-8 (or "
                     "contains a NUL byte)");
  // DIGEST_REPLY with no registers and one need "a\0"
  ExpectDecodeError ("010300000000000102" "6100", MMR_WIRE_ERROR_MALFORMED,
                     "needed name at offset 9 is not valid UTF-8 (or "
                     "contains a NUL byte)");

  // The same through decode_into: same message, and the message is empty.
  MessagePtr msg (mmr_message_new_decoded ());
  BytesPtr good = Encode (MakeDigestReply ().get ());
  ASSERT_TRUE (mmr_wire_decode_into (good.get (), msg.get (), nullptr));
  BytesPtr bad = FromHex (OneValueHex ("02c328"));
  GError *error = nullptr;
  EXPECT_FALSE (mmr_wire_decode_into (bad.get (), msg.get (), &error));
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (error->domain, MMR_WIRE_ERROR);
  EXPECT_EQ (error->code, MMR_WIRE_ERROR_MALFORMED);
  EXPECT_STREQ (error->message, value_error);
  g_error_free (error);
  ExpectEmptyDecoded (msg.get ());
}

// Found by fuzz/wire-fuzz.c: a CRDT message carrying an empty state (an
// empty GBytes, whose data may be NULL) must encode without passing NULL
// to memcpy - UndefinedBehaviorSanitizer flags it - and round-trip.
TEST (MmrWire, EmptyCrdtStateRoundTrips)
{
  MessagePtr msg (mmr_message_new (MMR_MSG_CRDT));
  BytesPtr empty (g_bytes_new (nullptr, 0));

  mmr_message_add_crdt (msg.get (), "c", empty.get (), 0);
  BytesPtr bytes (mmr_wire_encode (msg.get (), nullptr));
  GError *error = nullptr;
  MessagePtr back (mmr_wire_decode (bytes.get (), &error));

  ASSERT_NE (back, nullptr) << error->message;
  ASSERT_EQ (back->crdts->len, 1u);
  const MmrWireCrdt *wc = static_cast<const MmrWireCrdt *> (back->crdts->pdata[0]);
  EXPECT_STREQ (wc->name, "c");
  EXPECT_EQ (g_bytes_get_size (wc->state), 0u);
  BytesPtr again (mmr_wire_encode (back.get (), nullptr));
  EXPECT_TRUE (g_bytes_equal (bytes.get (), again.get ()));
}
