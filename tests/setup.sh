#!/usr/bin/env bash
# Build and test prerequisites for cpreport, called by the Makefile.
#
#   tests/setup.sh deps CMD...     make sure each command exists; as root,
#                                  apt-get install the Debian packages that
#                                  provide the missing ones. A CMD ending in
#                                  '?' is optional: failing to get it only warns.
#                                  Silent when nothing is missing.
#   tests/setup.sh cjson DIR       make DIR hold cJSON.c and cJSON.h, taken
#                                  from Debian's `cjson` source package.
#   tests/setup.sh musl-arm64 DIR  make DIR hold musl's C library for ARM64
#                                  (Debian's musl-dev, arm64) and a gcc specs
#                                  file, musl.specs, pointing into it, for
#                                  the static ARM64 release binary.
#
# cJSON is never committed: Debian's source package is upstream 1.7.15 plus
# Debian's security fixes, which upstream's release tarball lacks. It is fetched
# with a private apt configuration, so the machine's /etc/apt stays untouched.
set -euo pipefail

say() { printf 'cpreport: %s\n' "$*" >&2; }

# Debian package providing each command we may need.
package_for() {
    case "$1" in
        gcc | cc | c99) echo gcc ;;
        make) echo make ;;
        clang) echo clang ;;
        musl-gcc) echo musl-tools ;;
        dpkg-source) echo dpkg-dev ;;
        xmllint) echo libxml2-utils ;;
        readelf) echo binutils ;;
        time) echo time ;;
        # The browser test (tests/scripts/browser.sh).
        chromium) echo chromium ;;
        node) echo nodejs ;;
        npm) echo npm ;;
        # make dist and its test (tests/scripts/cross.sh).
        aarch64-linux-gnu-gcc | aarch64-linux-gnu-strip) echo gcc-aarch64-linux-gnu ;;
        x86_64-w64-mingw32-gcc | x86_64-w64-mingw32-strip) echo gcc-mingw-w64-x86-64 ;;
        x86_64-w64-mingw32-objdump) echo binutils-mingw-w64-x86-64 ;;
        qemu-aarch64-static) echo qemu-user-static ;;
        wine) echo wine ;;
        wine64) echo wine64 ;;
        sha256sum) echo coreutils ;;
        pdftotext | pdftoppm) echo poppler-utils ;;
        *) echo "$1" ;;
    esac
}

have() { type -P "$1" >/dev/null 2>&1; }

# Refresh the package lists only when an install needs them: when none are
# there, or when they are over a week old (security updates then make the
# recorded versions disappear from the mirrors).
lists_missing_or_stale() {
    local lists=/var/lib/apt/lists
    compgen -G "$lists/*_Packages*" >/dev/null || return 0
    [ -n "$(find "$lists" -maxdepth 1 -name '*_Packages*' -mtime -7 -print -quit)" ] || return 0
    return 1
}

apt_install() { # PKG...
    local log rc=0 updated=0
    log=$(mktemp "${TMPDIR:-/tmp}/cpreport-apt.XXXXXX")
    export DEBIAN_FRONTEND=noninteractive
    say "installing Debian packages: $*"
    if lists_missing_or_stale; then
        apt-get update -q >>"$log" 2>&1 || true
        updated=1
    fi
    # The lock timeout rides out an unattended-upgrades run holding dpkg.
    local install=(apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "$@")
    if ! "${install[@]}" >>"$log" 2>&1; then
        # An old revision may have left the mirror: refresh once and retry.
        if [ "$updated" = 0 ] && apt-get update -q >>"$log" 2>&1 && "${install[@]}" >>"$log" 2>&1; then
            rc=0
        else
            rc=1
            { grep '^E:' "$log" | awk '!seen[$0]++' || tail -n 10 "$log"; } | sed 's/^/  /' >&2
        fi
    fi
    rm -f "$log"
    return "$rc"
}

cmd_deps() {
    local want name optional pkg missing_req=() missing_opt=() pkgs=() p
    for want in "$@"; do
        name=${want%\?}
        optional=0
        [ "$name" != "$want" ] && optional=1
        case "$name" in -* | '') say "deps: '$want' is not a command name"; return 2 ;; esac
        have "$name" && continue
        pkg=$(package_for "$name")
        if [ "$optional" = 1 ]; then missing_opt+=("$name"); else missing_req+=("$name"); fi
        case " ${pkgs[*]-} " in *" $pkg "*) ;; *) pkgs+=("$pkg") ;; esac
    done
    [ ${#pkgs[@]} -eq 0 ] && return 0

    if [ "$(id -u)" = 0 ] && have apt-get; then
        # One transaction for all; if it fails, retry one by one so that an
        # unavailable optional package cannot block the required ones.
        if ! apt_install "${pkgs[@]}" && [ ${#pkgs[@]} -gt 1 ]; then
            for p in "${pkgs[@]}"; do
                apt_install "$p" || true
            done
        fi
    fi

    local still_req=() still_opt=() n
    for n in ${missing_req[@]+"${missing_req[@]}"}; do have "$n" || still_req+=("$n"); done
    for n in ${missing_opt[@]+"${missing_opt[@]}"}; do have "$n" || still_opt+=("$n"); done
    for n in ${still_opt[@]+"${still_opt[@]}"}; do
        say "optional command '$n' is missing (Debian package $(package_for "$n")); continuing without it"
    done
    if [ ${#still_req[@]} -gt 0 ]; then
        local need=()
        for n in "${still_req[@]}"; do need+=("$(package_for "$n")"); done
        say "missing commands: ${still_req[*]}"
        if [ "$(id -u)" = 0 ]; then
            say "apt-get could not install them; try: apt-get update && apt-get install --no-install-recommends ${need[*]}"
        else
            say "install them with: sudo apt-get install --no-install-recommends ${need[*]}"
        fi
        return 1
    fi
    return 0
}

# ---------------------------------------------------------------------------
# cJSON from Debian's source package

CJSON_FAIL="could not fetch cJSON from Debian's source packages; set CJSON_DIR to a folder holding cJSON.c and cJSON.h"

# Print the machine's Debian entries as deb822 stanzas of type $1 (deb-src
# by default, or deb; a deb stanza drops any Architectures line, so that
# another architecture's packages can be listed). Reads
# deb822 (*.sources) and one-line (*.list, sources.list) files; keeps only
# enabled entries whose URI is a Debian archive (debian.org, or a mirror path
# ending in /debian or /debian-security) with a Debian component, so that
# third-party repositories (nodesource, docker's .../linux/debian) stay out.
debian_src_stanzas() {
    local type=${1:-deb-src} f files=() etc=${CPREPORT_APT_ETC:-/etc/apt}   # override: for testing only
    for f in "$etc"/sources.list "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
        [ -f "$f" ] && [ -r "$f" ] && files+=("$f")
    done
    [ ${#files[@]} -eq 0 ] && return 0
    awk -v type="$type" '
    function is_debian(uris, comps) {
        if (uris !~ /(^|[\/.@])debian\.org([\/:]|$|[ \t])|\/debian(-security|-ports)?\/?([ \t]|$)/) return 0
        return comps ~ /(^|[ \t])(main|contrib|non-free|non-free-firmware)([ \t]|$)/
    }
    function emit(uris, suites, comps, extra) {
        if (!is_debian(uris, comps)) return
        if (printed++) print ""
        print "Types: " type
        print "URIs: " uris
        print "Suites: " suites
        print "Components: " comps
        if (extra != "") printf "%s", extra
    }
    # deb822 option name for a one-line [key=value] option.
    function field_name(k,   n, parts, i, out) {
        if (k == "arch") return "Architectures"
        if (k == "lang") return "Languages"
        if (k == "target") return "Targets"
        if (k == "pdiffs") return "PDiffs"
        n = split(k, parts, "-"); out = ""
        for (i = 1; i <= n; i++) out = out (i > 1 ? "-" : "") toupper(substr(parts[i], 1, 1)) substr(parts[i], 2)
        return out
    }
    function flush822() {
        if (in_stanza && enabled !~ /^[ \t]*no[ \t]*$/ && types ~ /(^|[ \t])deb([ \t]|$)/)
            emit(uris, suites, comps, extra)
        in_stanza = 0; types = uris = suites = comps = extra = enabled = ""; field = ""
    }
    FNR == 1 { if (in_stanza) flush822(); deb822 = (FILENAME ~ /\.sources$/) }
    deb822 {
        if ($0 ~ /^[ \t]*#/) next
        if ($0 ~ /^[ \t]*$/) { flush822(); next }
        in_stanza = 1
        if ($0 ~ /^[ \t]/) {            # continuation line (e.g. an inline key)
            if (field == "other") extra = extra $0 "\n"
            next
        }
        key = $0; sub(/:.*/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
        lk = tolower(key); field = lk
        if (lk == "types") types = val
        else if (lk == "uris") uris = val
        else if (lk == "suites") suites = val
        else if (lk == "components") comps = val
        else if (lk == "enabled") enabled = val
        else if (lk == "architectures" && type == "deb") field = ""
        else { field = "other"; extra = extra $0 "\n" }
        next
    }
    {   # one-line format: deb [opts] uri suite comp...
        line = $0; sub(/#.*/, "", line)
        if (line !~ /^[ \t]*deb[ \t]/) next
        sub(/^[ \t]*deb[ \t]+/, "", line)
        extra = ""
        if (line ~ /^\[/) {
            opts = line; sub(/\].*/, "", opts); sub(/^\[/, "", opts)
            sub(/^\[[^]]*\][ \t]*/, "", line)
            n = split(opts, o, /[ \t]+/)
            for (i = 1; i <= n; i++) {
                if (o[i] == "" || index(o[i], "=") == 0) continue
                k = substr(o[i], 1, index(o[i], "=") - 1); v = substr(o[i], index(o[i], "=") + 1)
                gsub(",", " ", v)
                if (k == "arch" && type == "deb") continue
                extra = extra field_name(k) ": " v "\n"
            }
        }
        n = split(line, w, /[ \t]+/)
        c = ""; for (i = 3; i <= n; i++) if (w[i] != "") c = c (c == "" ? "" : " ") w[i]
        emit(w[1], w[2], c, extra)
        extra = ""
    }
    END { if (in_stanza) flush822() }
    ' "${files[@]}"
}

# Last resort when no Debian entry is configured: the standard archive for
# this release.
synthesized_stanzas() {
    local type=${1:-deb-src} id="" codename="" keyring=""
    # shellcheck disable=SC1091
    [ -r /etc/os-release ] && . /etc/os-release && id=${ID:-} && codename=${VERSION_CODENAME:-}
    [ "$id" = debian ] && [ -n "$codename" ] || return 0
    [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] && keyring="Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
    printf 'Types: %s\nURIs: http://deb.debian.org/debian\nSuites: %s %s-updates\nComponents: main\n%s\n\n' "$type" "$codename" "$codename" "$keyring"
    printf 'Types: %s\nURIs: http://deb.debian.org/debian-security\nSuites: %s-security\nComponents: main\n%s\n' "$type" "$codename" "$keyring"
}

# Download and unpack the cjson source package into $1 (a fresh folder) using
# apt options $2... ; returns non-zero on failure, with details in $LOG.
apt_source_cjson() {
    local dest=$1; shift
    local dsc
    (cd "$dest" && apt-get -q "$@" source --download-only cjson) >>"$LOG" 2>&1 || return 1
    dsc=$(find "$dest" -maxdepth 1 -name 'cjson_*.dsc' | head -n 1)
    [ -n "$dsc" ] || return 1
    # "gpgv: Can't check signature" is harmless here: apt already verified
    # the files' checksums against the signed Sources index.
    (cd "$dest" && dpkg-source -x "$(basename "$dsc")" cjson-src) >>"$LOG" 2>&1 || return 1
    [ -f "$dest/cjson-src/cJSON.c" ] && [ -f "$dest/cjson-src/cJSON.h" ] || return 1
    sed -n 's/^Version: *//p' "$dsc" | head -n 1 >"$dest/cjson-src/DEBIAN-VERSION"
}

# A private apt configuration in folder $1 (which it fills) whose sources are
# the machine's Debian entries as type $2 (deb-src or deb); sets apt_opts.
# The machine's /etc/apt and package lists stay untouched.
private_apt() {
    local work=$1 type=$2
    mkdir -p "$work/empty" "$work/lists/partial" "$work/cache/archives/partial" "$work/dl"
    # A deb822 file may name its keyring inline, which one-line format cannot
    # hold, so the private sources file is deb822 whatever the machine uses.
    debian_src_stanzas "$type" >"$work/debian.sources"
    if ! grep -q '^Types:' "$work/debian.sources"; then
        synthesized_stanzas "$type" >"$work/debian.sources"
    fi
    apt_opts=(
        -o "Dir::Etc::SourceList=$work/debian.sources"
        -o "Dir::Etc::SourceParts=$work/empty"
        -o "Dir::State::Lists=$work/lists"
        -o "Dir::Cache=$work/cache"
        -o Acquire::Retries=2
        -o Acquire::http::Timeout=30
        -o Acquire::https::Timeout=30
    )
    # As root, apt downloads as user _apt, which cannot enter a private 0700
    # temp folder: open it up rather than let apt warn and run unsandboxed.
    if [ "$(id -u)" = 0 ] && getent passwd _apt >/dev/null; then
        chmod 755 "$work"
        chown -R _apt "$work/lists/partial" "$work/cache/archives/partial" "$work/dl" 2>/dev/null || true
    fi
}

cmd_cjson() {
    local dir=${1:?usage: tests/setup.sh cjson DIR}
    if [ -f "$dir/cJSON.c" ] && [ -f "$dir/cJSON.h" ]; then
        return 0
    fi
    # A folder given by the user is used as it is, never filled or overwritten.
    if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
        say "CJSON_DIR=$dir holds no cJSON.c and cJSON.h"
        say "$CJSON_FAIL"
        return 1
    fi
    if ! have apt-get || ! cmd_deps dpkg-source; then
        say "$CJSON_FAIL"
        return 1
    fi

    # Two builds at once (make -j, or two checkouts sharing CJSON_DIR) must
    # not both fetch: take a lock, then look again.
    local parent
    parent=$(dirname "$dir")
    mkdir -p "$parent"
    if have flock && exec 9>>"$parent/.cjson-fetch.lock"; then
        flock 9
        if [ -f "$dir/cJSON.c" ] && [ -f "$dir/cJSON.h" ]; then
            return 0
        fi
    fi

    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/cpreport-cjson.XXXXXX")
    # shellcheck disable=SC2064
    [ -n "${CPREPORT_KEEP_WORK:-}" ] || trap "rm -rf '$work'" EXIT
    LOG=$work/log
    : >"$LOG"
    private_apt "$work" deb-src

    local ok=0
    if grep -q '^Types:' "$work/debian.sources"; then
        # update may fail for one suite yet leave the others usable.
        apt-get -q "${apt_opts[@]}" update >>"$LOG" 2>&1 || true
        apt_source_cjson "$work/dl" "${apt_opts[@]}" && ok=1
    fi
    if [ "$ok" = 0 ]; then
        # The machine may already have deb-src entries of its own.
        rm -rf "$work/dl" && mkdir -p "$work/dl"
        if [ "$(id -u)" = 0 ]; then chown _apt "$work/dl" 2>/dev/null || true; fi
        apt_source_cjson "$work/dl" && ok=1
    fi
    if [ "$ok" = 0 ]; then
        tail -n 15 "$LOG" >&2
        say "$CJSON_FAIL"
        return 1
    fi

    # Fill a sibling first and rename, so an interrupted fetch never leaves a
    # half-filled CJSON_DIR that later runs would mistake for a user's folder.
    local stage
    stage=$(mktemp -d "$parent/.cjson-stage.XXXXXX")
    cp "$work/dl/cjson-src/cJSON.c" "$work/dl/cjson-src/cJSON.h" "$work/dl/cjson-src/DEBIAN-VERSION" "$stage/"
    [ -f "$work/dl/cjson-src/LICENSE" ] && cp "$work/dl/cjson-src/LICENSE" "$stage/"
    chmod 755 "$stage"
    [ -d "$dir" ] && rmdir "$dir"
    mv "$stage" "$dir"
    say "cJSON $(cat "$dir/DEBIAN-VERSION") from Debian's source package is in $dir"
}

# ---------------------------------------------------------------------------
# musl for ARM64, from Debian's binary package musl-dev (arm64)

# Debian's cross compiler links glibc; musl's static library, unpacked from
# the arm64 package into DIR, gives a static binary a third of the size.
# The package is only unpacked (dpkg -x), never installed, so the machine
# needs no foreign architecture. DIR/musl.specs is musl-gcc's specs file
# with its paths pointing into DIR.
cmd_musl_arm64() {
    local dir=${1:?usage: tests/setup.sh musl-arm64 DIR} fail="could not fetch musl-dev (arm64) from Debian's packages"
    [ -f "$dir/musl.specs" ] && return 0
    if ! have apt-get || ! have dpkg; then
        say "$fail: no apt-get"
        return 1
    fi
    local parent work deb stage
    parent=$(dirname "$dir")
    mkdir -p "$parent"
    if have flock && exec 9>>"$parent/.musl-arm64-fetch.lock"; then
        flock 9
        [ -f "$dir/musl.specs" ] && return 0
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/cpreport-musl.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT
    LOG=$work/log
    private_apt "$work" deb
    apt_opts+=(-o APT::Architecture=arm64 -o APT::Architectures=arm64)
    apt-get -q "${apt_opts[@]}" update >>"$LOG" 2>&1 || true
    (cd "$work/dl" && apt-get -q "${apt_opts[@]}" download musl-dev) >>"$LOG" 2>&1
    deb=$(find "$work/dl" -maxdepth 1 -name 'musl-dev_*_arm64.deb' | head -n 1)
    if [ -z "$deb" ]; then
        tail -n 15 "$LOG" >&2
        say "$fail"
        return 1
    fi
    stage=$(mktemp -d "$parent/.musl-arm64-stage.XXXXXX")
    dpkg -x "$deb" "$stage"
    local root
    root=$(cd "$parent" && pwd)/$(basename "$dir")
    sed -e "s|/usr/include/aarch64-linux-musl|$root/usr/include/aarch64-linux-musl|g" \
        -e "s|/usr/lib/aarch64-linux-musl|$root/usr/lib/aarch64-linux-musl|g" \
        "$stage/usr/lib/aarch64-linux-musl/musl-gcc.specs" >"$stage/musl.specs"
    dpkg-deb -f "$deb" Version >"$stage/DEBIAN-VERSION"
    chmod 755 "$stage"
    rm -rf "$dir"
    mv "$stage" "$dir"
    say "musl $(cat "$dir/DEBIAN-VERSION") for ARM64 from Debian's packages is in $dir"
}

case "${1:-}" in
    deps) shift; cmd_deps "$@" ;;
    cjson) shift; cmd_cjson "$@" ;;
    musl-arm64) shift; cmd_musl_arm64 "$@" ;;
    *)
        echo "usage: tests/setup.sh deps CMD[?]... | tests/setup.sh cjson DIR | tests/setup.sh musl-arm64 DIR" >&2
        exit 2
        ;;
esac
