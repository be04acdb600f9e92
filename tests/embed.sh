#!/bin/sh
# embed.sh SYMBOL FILE — writes C source defining `const char SYMBOL[]` with
# FILE's bytes and a terminating NUL (used to compile text files in).
sym=$1; file=$2
echo "/* generated from $file by tests/embed.sh */"
echo "extern const char $sym[];"
echo "const char $sym[] = {"
od -An -v -tx1 "$file" | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'
echo "0x00};"
