#!/bin/sh
# build-fuzzers.sh - builds the libFuzzer targets with clang and seeds
# their corpora (docs/checking.md, "Fuzzing").
#
#   fuzz/build-fuzzers.sh CLANG SOURCE_ROOT OUT_DIR
#
# The engine (src/core .. src/lab) is compiled once more, with clang and
# coverage, AddressSanitizer and UBSan, into OUT_DIR/obj; an object is
# rebuilt when its source changed, all of them when any header did. Each
# target links fuzz/NAME.c with every object. The seeds are copied from
# docs/examples and labs on every build (OUT_DIR/seeds/NAME, a few dozen
# small files); what a fuzzer finds goes to OUT_DIR/corpus/NAME, never
# into the source tree.
set -eu

clang=$1
src=$(cd "$2" && pwd)
out=$(mkdir -p "$3" && cd "$3" && pwd)
obj=$out/obj
flags="-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
  -std=c11 -D_GNU_SOURCE -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74
  -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 -I$src/src
  $(pkg-config --cflags glib-2.0 gobject-2.0 json-glib-1.0 sqlite3)"
libs="$(pkg-config --libs glib-2.0 gobject-2.0 json-glib-1.0 sqlite3) -lm"

# --- seeds -----------------------------------------------------------
# Built aside and swapped in, so that a fuzzer running meanwhile from this
# folder hardly notices.
seeds=$out/seeds
labdir=$out/lab-dir
rm -rf "$seeds.new" "$labdir.new"
mkdir -p "$seeds.new/scenario" "$seeds.new/run" "$seeds.new/lab" \
  "$seeds.new/wire" "$labdir.new" "$out/corpus/scenario" "$out/corpus/run" \
  "$out/corpus/lab" "$out/corpus/wire"
for f in "$src"/docs/examples/*.mmr "$src"/labs/*/*.mmr; do
  name=$(basename "$(dirname "$f")")-$(basename "$f")
  cp "$f" "$seeds.new/scenario/$name"
  cp "$f" "$seeds.new/run/$name"
done
# The lab target parses its input as a lab file of one folder holding
# every lab's worlds (the first of a name), starter files, and guides
# joined as one guide.md.
for d in "$src"/labs/*/; do
  n=$(basename "$d")
  if [ -f "$d/lab.mmrlab" ]; then cp "$d/lab.mmrlab" "$seeds.new/lab/$n.mmrlab"; fi
  for f in "$d"*.mmr; do
    [ -e "$labdir.new/$(basename "$f")" ] || cp "$f" "$labdir.new/"
  done
  if [ -f "$d/guide.md" ]; then cat "$d/guide.md" >> "$labdir.new/guide.md"; fi
  if [ -d "$d/starter" ]; then
    mkdir -p "$labdir.new/starter" && cp "$d"/starter/* "$labdir.new/starter/"
  fi
done
for d in "$seeds" "$labdir"; do
  rm -rf "$d.old"
  if [ -e "$d" ]; then mv "$d" "$d.old"; fi
  mv "$d.new" "$d"
  rm -rf "$d.old"
done

# --- objects ---------------------------------------------------------
mkdir -p "$obj"
all=
if [ ! -e "$obj/.stamp" ] \
   || [ -n "$(find "$src/src" "$src/fuzz" -name '*.h' -newer "$obj/.stamp" \
              | head -n 1)" ]; then
  all=yes
fi
objects=
for c in "$src"/src/core/*.c "$src"/src/crdt/*.c "$src"/src/store/*.c \
         "$src"/src/net/*.c "$src"/src/sync/*.c "$src"/src/sim/*.c \
         "$src"/src/scenario/*.c "$src"/src/lab/*.c; do
  # The fast store (store.c) is the one built by default; its plain
  # alternative (-Dstore=plain) defines the same functions.
  case $c in */store-plain.c) continue ;; esac
  o=$obj/$(basename "$(dirname "$c")")-$(basename "$c" .c).o
  if [ -n "$all" ] || [ ! -e "$o" ] || [ "$c" -nt "$o" ]; then
    # shellcheck disable=SC2086
    "$clang" $flags -fsanitize=fuzzer-no-link,address,undefined \
      -c "$c" -o "$o"
  fi
  objects="$objects $o"
done
touch "$obj/.stamp"

# --- targets ---------------------------------------------------------
for t in scenario-fuzz lab-fuzz run-fuzz wire-fuzz; do
  # shellcheck disable=SC2086
  "$clang" $flags -Wall -Wextra -Werror \
    -DMMR_FUZZ_LAB_DIR="\"$out/lab-dir\"" \
    -fsanitize=fuzzer,address,undefined "$src/fuzz/$t.c" $objects $libs \
    -o "$out/$t"
done
