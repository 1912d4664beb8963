/* wire.h - the wire format: what replicas send each other
 *
 * Every message is a byte string (GBytes) so that byte counts are real.
 * Format version 1, all integers unsigned LEB128 varints unless noted,
 * signed integers zig-zag encoded first, strings as varint length + bytes:
 *
 *   message   := version:u8 (=1) type:u8 lamport hlc_l:zz hlc_c exchange
 *                body
 *   STATE (1)        body := n:varint register{n}
 *   DIGEST (2)       body := n:varint (name vv){n}
 *   DIGEST_REPLY (3) body := n:varint register{n} m:varint name{m}
 *   CRDT (4)         body := n:varint (name blob){n}      blob := len bytes
 *   CRDT_DIGEST (5)  body := n:varint (name hash:u64le){n}
 *   CRDT_REPLY (6)   body := n:varint (name blob){n} m:varint name{m}
 *   CRDT_ACK (7)     body := 0   (the header's exchange field is the ack)
 *   MERKLE (8)       body := step:u8 n:varint (node [hash:u64le]){n}
 *                            [m:varint (name vv){m}]   hashes in ASK and
 *                            HASHES, registers only in BUCKETS
 * In a CRDT message carrying deltas, the exchange field is the sender's
 * delta sequence number the receiver acknowledges with a CRDT_ACK.
 *   register  := name vv n:varint version{n}
 *   vv        := n:varint (replica:u8 counter:varint){n}   zero entries omitted
 *   version   := replica:u8 counter ts:zz ts_logical hlc_l:zz hlc_c
 *                flags:u8 [value]       flags bit 0: tombstone (no value)
 *
 * STATE carries whole registers: a pushed write is the writer's register
 * after the write (its context vv and the one new sibling). DIGEST lists
 * a replica's register names and version vectors; DIGEST_REPLY returns the
 * registers the initiator lacks and names the ones it should send back.
 *
 * Decoding checks every length against the buffer and fails with a GError
 * (MMR_WIRE_ERROR) instead of reading past it: the decoder is fuzzed.
 *
 * Documented in docs/wire-format.md.
 */
#pragma once

#include <glib.h>

#include "core/clock.h"
#include "store/register.h"

G_BEGIN_DECLS

#define MMR_WIRE_VERSION 1

#define MMR_WIRE_ERROR (mmr_wire_error_quark ())
GQuark mmr_wire_error_quark (void);

typedef enum {
  MMR_WIRE_ERROR_TRUNCATED,
  MMR_WIRE_ERROR_VERSION,
  MMR_WIRE_ERROR_MALFORMED,
} MmrWireError;

typedef enum {
  MMR_MSG_STATE = 1,
  MMR_MSG_DIGEST = 2,
  MMR_MSG_DIGEST_REPLY = 3,
  MMR_MSG_CRDT = 4,          /* CRDT states or deltas: n (name blob) */
  MMR_MSG_CRDT_DIGEST = 5,   /* n (name hash:u64 little-endian) */
  MMR_MSG_CRDT_REPLY = 6,    /* n (name blob) m name: states + needs */
  MMR_MSG_CRDT_ACK = 7,      /* n = 0; exchange = the delta sequence merged */
  MMR_MSG_MERKLE = 8,        /* a step of a Merkle tree walk, see below */
} MmrMsgType;

/* MERKLE messages (anti-entropy merkle, src/sync/anti-entropy.c). */
typedef enum {
  MMR_MERKLE_ASK = 0,        /* "here are my hashes of these nodes: send
                              * yours below the ones that differ" */
  MMR_MERKLE_HASHES = 1,     /* the hashes asked for */
  MMR_MERKLE_BUCKETS = 2,    /* these buckets differ: here are my names and
                              * vectors in them (registers, vv only) */
} MmrMerkleStep;

typedef struct {
  guint32 node;
  guint64 hash;
} MmrMerkleNode;

/* One CRDT key in a CRDT message: its encoded state (or delta), or in a
 * CRDT_DIGEST only the hash of its full state's encoding. */
typedef struct {
  char *name;
  GBytes *state;       /* NULL in a CRDT_DIGEST */
  guint64 hash;
} MmrWireCrdt;

/* In a message built by hand, name and reg are owned by the message; in a
 * decoded one they point into the message's storage (read-only, valid
 * until the message is freed or decoded into again). */
typedef struct {
  char *name;          /* register name */
  MmrRegister *reg;    /* in a DIGEST only reg->vv is meaningful */
} MmrWireRegister;

typedef struct _MmrMessageStorage MmrMessageStorage;

typedef struct {
  MmrMsgType type;
  guint64 lamport;         /* sender's Lamport clock at send */
  MmrHlc hlc;              /* sender's HLC at send */
  guint32 exchange;        /* anti-entropy exchange id; 0 for a push */
  GPtrArray *registers;    /* MmrWireRegister* (owned unless decoded) */
  GPtrArray *need;         /* DIGEST_REPLY, CRDT_REPLY: char* names */
  GPtrArray *crdts;        /* CRDT*: MmrWireCrdt*, owned */
  MmrMerkleStep step;      /* MERKLE */
  GArray *nodes;           /* MERKLE: MmrMerkleNode (node is a bucket
                            * number in BUCKETS, with no hash) */
  MmrMessageStorage *decoded;  /* a decoded message's registers, versions
                                * and strings (message-storage.c); NULL
                                * when built */
} MmrMessage;

MmrMessage *mmr_message_new   (MmrMsgType type);
/* An empty message to decode into (mmr_wire_decode_into). */
MmrMessage *mmr_message_new_decoded (void);
void        mmr_message_free  (MmrMessage *msg);
/* Takes ownership of @reg. */
void        mmr_message_add_register (MmrMessage *msg, const char *name,
                                      MmrRegister *reg);
void        mmr_message_add_need     (MmrMessage *msg, const char *name);
/* CRDT and CRDT_REPLY: a state; CRDT_DIGEST: a hash (@state NULL). */
void        mmr_message_add_crdt     (MmrMessage *msg, const char *name,
                                      GBytes *state, guint64 hash);

/* @out_metadata_bytes (may be NULL) receives the bytes spent on causality
 * and ordering metadata: version vectors, dots, timestamps, HLCs. */
GBytes     *mmr_wire_encode   (const MmrMessage *msg,
                               guint32 *out_metadata_bytes);
/* One STATE message carrying one register, without building a message:
 * the push of a write, the hottest encoder (replica.c push_register). */
GBytes     *mmr_wire_encode_push (guint64 lamport, MmrHlc hlc,
                                  const char *name, const MmrRegister *reg,
                                  guint32 *out_metadata_bytes);
MmrMessage *mmr_wire_decode   (GBytes *bytes, GError **error);
/* Decodes into @msg (from mmr_message_new_decoded or mmr_wire_decode),
 * reusing its storage: a replica decodes every message into the same one,
 * so once warm, decoding allocates nothing. What @msg held before is
 * gone; on failure it is left empty. */
gboolean    mmr_wire_decode_into (GBytes *bytes, MmrMessage *msg,
                                  GError **error);
const char *mmr_msg_type_to_string (MmrMsgType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrMessage, mmr_message_free)

G_END_DECLS
