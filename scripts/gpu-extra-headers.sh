#!/usr/bin/env bash
# Headers for a GPU machine that has the runtime libraries of SQLite, PCRE2 and
# ICU but not their -dev packages and cannot download (the lent H200 image,
# Ubuntu 24.04: libsqlite3-0, libpcre2-8-0, libicu74). Run here (Debian 12,
# network), carry DIR to the machine, and give it to scripts/gpu-check.sh as
# MOECUT_EXTRA_INCLUDE=DIR.
#   scripts/gpu-extra-headers.sh DIR [ICU_MAJOR]     (ICU_MAJOR: the machine's, default 74)
# Debian 12 ships ICU 72 headers; ICU renames every symbol and namespace by its
# major version (u_foo_72, icu_72::), so the version header is relabelled to
# the machine's major version. The C and C++ API moecut uses (Normalizer2,
# u_hasBinaryProperty, u_strToLower, ByteSink) is unchanged between 72 and 74.
set -euo pipefail
dir=${1:?usage: gpu-extra-headers.sh DIR [ICU_MAJOR]}
major=${2:-74}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download libicu-dev libpcre2-dev libsqlite3-dev > /dev/null)
for f in "$work"/*.deb; do dpkg -x "$f" "$work/x"; done
mkdir -p "$dir"
cp -r "$work"/x/usr/include/{unicode,pcre2.h,pcre2posix.h,sqlite3.h,sqlite3ext.h} "$dir"/
old=$(sed -n 's/^#define U_ICU_VERSION_MAJOR_NUM \([0-9]*\)/\1/p' "$dir/unicode/uvernum.h")
sed -i "s/^#define U_ICU_VERSION_MAJOR_NUM $old/#define U_ICU_VERSION_MAJOR_NUM $major/;
        s/^#define U_ICU_VERSION_SUFFIX _$old/#define U_ICU_VERSION_SUFFIX _$major/;
        s/^#define U_ICU_VERSION \"$old\.\([0-9.]*\)\"/#define U_ICU_VERSION \"$major.0\"/;
        s/^#define U_ICU_VERSION_SHORT \"$old\"/#define U_ICU_VERSION_SHORT \"$major\"/;
        s/^#define U_ICU_DATA_VERSION \"$old\.\([0-9.]*\)\"/#define U_ICU_DATA_VERSION \"$major.0\"/" "$dir/unicode/uvernum.h"
grep -q "U_ICU_VERSION_SUFFIX _$major" "$dir/unicode/uvernum.h" || { echo "gpu-extra-headers: could not relabel ICU $old" >&2; exit 1; }
echo "headers for sqlite3, pcre2 and ICU $major (from Debian's ICU $old) in $dir"
