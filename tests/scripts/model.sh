#!/usr/bin/env bash
# Compute once, render many (issue 11): the renderers, from the banner
# "Markdown and HTML" to the one before "Writing outputs" (Markdown, HTML,
# JSON, group reports, email, check), read the model (struct report) and
# nothing else. None names a snapshot or its parts, or calls a function
# that computes a figure; README's "For contributors" explains the model.
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

src=${ROOT:-.}/cpreport.c
forbidden='struct (snapshot|school|survey|money_line|programme|trust|agg|view)\b|->latest\b|\b(compute_view|compute_breakdown|aggregate|evaluate|judge|pct|share_of|money_total|survey_val|comparable|fit_line|kpi_lookup)\(|\.(fn|national)\('
hits=$(awk '/^ \*  Markdown and HTML: one layout/ {on = 1} /^ \*  Writing outputs/ {on = 0} on {print FILENAME ":" NR ": " $0}' "$src" |
       grep -E "$forbidden")
if [ -z "$hits" ]; then
    ok "no renderer reaches a snapshot or computes a figure (grep of cpreport.c)"
else
    not_ok "no renderer reaches a snapshot or computes a figure (grep of cpreport.c)" "$hits"
fi
