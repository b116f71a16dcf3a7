#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the fw runbooks (after common.sh): the history of fw
# configurations they replaced, for fw-rollback, and the one way they change
# a configuration as a whole.
#
# Every runbook saves the live configuration (tcctl fw save) into
# $TCCTL_FW_HISTORY (default /var/lib/tcctl/fw) before it changes anything,
# as NNNN-YYYYmmddTHHMMSS-RUNBOOK.conf; the last FW_HISTORY_KEEP stay.
# fw-rollback loads the newest and removes it, so rolling back again goes
# one step further back. A run that changed nothing leaves no entry: a
# rollback always undoes a change.

FW_HISTORY=${TCCTL_FW_HISTORY:-/var/lib/tcctl/fw}
FW_HISTORY_KEEP=10
FW_HISTORY_FILE='' FW_HISTORY_CHANGED='' FW_CONF_NEW=''

# fw_history_lock: one runbook at a time changes fw (a save, an edit and a
# load must not interleave with another's); held until the runbook exits
fw_history_lock() {
	mkdir -p "$FW_HISTORY" || die "cannot create the history directory $FW_HISTORY"
	exec 9>"$FW_HISTORY/.lock"
	flock -w 60 9 || die "another fw runbook holds $FW_HISTORY/.lock"
}

# the saved configurations, oldest first
fw_history_list() {
	find "$FW_HISTORY" -maxdepth 1 -name '[0-9]*-*.conf' -printf '%f\n' 2>/dev/null | sort -n
}

# fw_history_save: the live configuration into a new entry, FW_HISTORY_FILE.
# From here on, the runbook's exit settles the entry (fw_history_done), and
# FW_CONF_NEW is a scratch file for the edited configuration.
fw_history_save() {
	local last seq
	last=$(fw_history_list | tail -n 1)
	last=${last:-0-}
	seq=$((10#${last%%-*} + 1))
	FW_HISTORY_FILE=$FW_HISTORY/$(printf '%04d-%s-%s.conf' "$seq" "$(date +%Y%m%dT%H%M%S)" "${0##*/}")
	FW_CONF_NEW=$FW_HISTORY/.new.$$
	trap fw_history_done EXIT
	# written aside and renamed: a killed save never looks like an entry
	"$TCCTL" fw save "$FW_HISTORY/.save.$$" || die "cannot save the live configuration"
	mv "$FW_HISTORY/.save.$$" "$FW_HISTORY_FILE"
}

# fw_history_done: on exit, the entry stays when the runbook changed the
# configuration (FW_HISTORY_CHANGED=yes) and goes when it did not (no), as
# a rollback must undo a change; when the runbook failed half-way (unset),
# the live configuration decides. Then the oldest beyond FW_HISTORY_KEEP go.
fw_history_done() {
	rm -f "$FW_HISTORY/.save.$$" "$FW_CONF_NEW"
	if [ -n "$FW_HISTORY_FILE" ] && [ -e "$FW_HISTORY_FILE" ]; then
		case "${FW_HISTORY_CHANGED:-}" in
		yes) ;;
		no) rm -f "$FW_HISTORY_FILE" ;;
		*) "$TCCTL" fw save 2>/dev/null | cmp -s - "$FW_HISTORY_FILE" && rm -f "$FW_HISTORY_FILE" ;;
		esac
	fi
	fw_history_list | head -n -"$FW_HISTORY_KEEP" | while read -r old; do
		rm -f "$FW_HISTORY/$old"
	done
}

# fw_check_table TABLE: one of fw's 16 tables, or a clear error
fw_check_table() {
	[[ $1 =~ ^([0-9]|1[0-5])$ ]] || die "TABLE is 0 to 15, not \"$1\""
}

# a configuration without comments and rule ids, to compare two by meaning:
# tcctl gives rules without an id a fresh one
fw_conf_strip() {
	sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' -e 's/^\(rule add table [0-9]*\) id [0-9]*/\1/' "$1"
}

# fw_conf_apply: makes FW_CONF_NEW (an edit of FW_HISTORY_FILE) live at once
# with tcctl fw load, unless it means what is live already (then returns 1)
fw_conf_apply() {
	if cmp -s <(fw_conf_strip "$FW_HISTORY_FILE") <(fw_conf_strip "$FW_CONF_NEW"); then
		FW_HISTORY_CHANGED=no
		return 1
	fi
	"$TCCTL" fw load "$FW_CONF_NEW" || die "tcctl fw load failed: the configuration is unchanged"
	FW_HISTORY_CHANGED=yes
}

# fw_conf_put_rules CONF TABLE OURS NEWRULES: CONF with the rules of TABLE
# whose text (after "rule add table N id N ") matches the extended regular
# expression OURS replaced by NEWRULES (rule texts, one a line) where the
# first of them was; with none, at the top of the table, after a first rule
# "src @blocklist drop" (fw-blocklist's, which stays first). The new rules
# get ids above the table's: tcctl fw load would give an id-less rule the
# next free id, which a later rule of CONF may hold.
fw_conf_put_rules() {
	awk -v t="$2" -v ours="$3" -v new="$4" '
	function put(	i, n, lines) {
		if (done)
			return
		done = 1
		n = split(new, lines, "\n")
		for (i = 1; i <= n; i++)
			if (lines[i] != "")
				printf "rule add table %s id %d %s\n", t, ++maxid, lines[i]
	}
	{ text = $0; sub(/^rule add table [0-9]+ (id [0-9]+ )?/, "", text) }
	FNR == NR {
		if ($0 ~ "^rule add table " t " ") {
			n1++
			if ($5 == "id" && $6 + 0 > maxid)
				maxid = $6 + 0
			if (text ~ ours && !first)
				first = n1
		}
		next
	}
	$0 ~ "^rule add table " t " " {
		n2++
		if (!first && !(n2 == 1 && text == "src @blocklist drop"))
			put()
		if (text ~ ours)
			put()
		else
			print
		next
	}
	{ print }
	END { put() }
	' "$1" "$1"
}
