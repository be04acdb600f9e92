#!/bin/sh
# Installs what `make run` and `make check` need on Debian/Ubuntu.
# usage: deps.sh PKG_CONFIG MODULE:DEBPKG ... cmd:COMMAND:DEBPKG ...
# When something is missing: as root, apt-get installs it; otherwise we name
# the packages and the command to install them, and fail.
pc=$1; shift
missing=""
command -v "$pc" >/dev/null 2>&1 || missing="pkg-config"
for spec in "$@"; do
	case $spec in
	cmd:*)
		rest=${spec#cmd:}; cmd=${rest%%:*}; deb=${rest#*:}
		command -v "$cmd" >/dev/null 2>&1 || missing="$missing $deb" ;;
	*)
		mod=${spec%%:*}; deb=${spec#*:}
		"$pc" --exists "$mod" 2>/dev/null || missing="$missing $deb" ;;
	esac
done
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
[ -z "$missing" ] && exit 0
missing=$(echo $missing)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "tokscope: installing missing packages: $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || { echo "tokscope: apt-get update failed" >&2; exit 1; }
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ echo "tokscope: apt-get install $missing failed" >&2; exit 1; }
	exit 0
fi
echo "tokscope: missing packages: $missing" >&2
echo "tokscope: install them with:  sudo apt-get install $missing" >&2
exit 1
