/* crdt-bench-main.c - the CRDT benchmark on its own: crdt-bench [-q] */
#include <string.h>

#include "crdt-bench.h"

int
main (int argc, char **argv)
{
  return mmr_crdt_bench_run (argc > 1 && strcmp (argv[1], "-q") == 0);
}
