/* crdt-sync.h - see replica.h (CRDT keys) and crdt-sync.c */
#pragma once

#include "sync/replica.h"
