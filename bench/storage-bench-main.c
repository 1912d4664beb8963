/* storage-bench-main.c - the storage benchmark on its own: storage-bench [-q]
 * (-q: no progress lines) */
#include <string.h>

#include "storage-bench.h"

int
main (int argc, char **argv)
{
  mmr_storage_bench_run (!(argc > 1 && strcmp (argv[1], "-q") == 0));
  return 0;
}
