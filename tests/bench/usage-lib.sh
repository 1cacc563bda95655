# shellcheck shell=bash
# Shared by the benchmark scripts (sourced after tests/integration/lib.sh):
# the CPU time and the memory (PSS) of named groups of server processes,
# counting the processes that exit during a run, which figures read per
# process at the end would miss (a sandbox child per block, for instance).
#
#   usage_start NAME...   # once the servers run; for each NAME, the function
#                         # pids_NAME prints the group's processes now
#   usage_add NAME PID... # processes started after usage_start join a group
#                         # (with their children; pids_NAME must print them too)
#   usage_cpu_us NAME     # CPU time the group used so far, in µs
#   usage_pss_kb NAME     # the PSS of its live processes, in kB
#   usage_stat_us own PID...  # the CPU time of live processes, without their children
#   $USAGE_METHOD         # how CPU time is counted, in words (for reports)
#
# As root, each group gets a cgroup of its own (v2, else v1 cpuacct) and its
# processes are moved there: what they start later is born in it, and a
# cgroup's CPU time keeps the time of processes that have exited. Without a
# cgroup we can write, each process's /proc/PID/stat: its own utime+stime
# plus cutime+cstime, the time of the children it has reaped.
# shellcheck disable=SC2034 # USAGE_METHOD is for the sourcing script

USAGE_CG=
USAGE_CG_KIND=
USAGE_GROUPS=()

usage_start() {
	USAGE_GROUPS=("$@")
	local root kind name pid
	if [ "$(id -u)" = 0 ]; then
		for root in /sys/fs/cgroup/unified /sys/fs/cgroup /sys/fs/cgroup/cpuacct /sys/fs/cgroup/cpu,cpuacct; do
			if [ -f "$root/cgroup.controllers" ]; then
				kind="cgroup v2"
			elif [ -f "$root/cpuacct.usage" ]; then
				kind="cgroup v1 (cpuacct)"
			else
				continue
			fi
			mkdir "$root/axon-bench.$$" 2>/dev/null || continue
			USAGE_CG=$root/axon-bench.$$
			USAGE_CG_KIND=$kind
			break
		done
	fi
	if [ -n "$USAGE_CG" ]; then
		# shellcheck disable=SC2034 # for lib.sh's exit trap
		IT_AFTER_STOP=usage_stop
		for name in "$@"; do
			mkdir "$USAGE_CG/$name" || return 1
			for pid in $("pids_$name"); do
				echo "$pid" >"$USAGE_CG/$name/cgroup.procs" || return 1
			done
		done
		USAGE_METHOD="$USAGE_CG_KIND: each part's processes were moved into a cgroup of their own before the load, so the processes they start are born in it and the time of those that exit stays counted"
	else
		USAGE_METHOD="/proc/PID/stat (no cgroup could be made: not root): utime+stime of each live process plus cutime+cstime, the time of the children it reaped"
	fi
}

# usage_add NAME PID...: these processes and their children join the group
# NAME's cgroup. Without a cgroup, pids_NAME finds them.
usage_add() {
	local name=$1 pid
	shift
	[ -n "$USAGE_CG" ] || return 0
	for pid in $(usage_tree "$@"); do
		echo "$pid" >"$USAGE_CG/$name/cgroup.procs" || return 1
	done
}

# usage_pids NAME: the group's processes now.
usage_pids() {
	if [ -n "$USAGE_CG" ]; then
		cat "$USAGE_CG/$1/cgroup.procs"
	else
		"pids_$1"
	fi
}

usage_cpu_us() {
	# shellcheck disable=SC2046 # one argument per pid
	case $USAGE_CG_KIND in
	"cgroup v2") awk '$1 == "usage_usec" { print $2 }' "$USAGE_CG/$1/cpu.stat" ;;
	"cgroup v1"*) awk '{ printf "%.0f\n", $1 / 1000 }' "$USAGE_CG/$1/cpuacct.usage" ;;
	*) usage_stat_us with-children $(usage_pids "$1") ;;
	esac
}

# usage_stat_us own|with-children PID...: the CPU time of these live processes
# in µs from /proc/PID/stat, their own (utime+stime) or with that of the
# children they reaped (plus cutime+cstime).
usage_stat_us() {
	local which=$1 pid line f ticks=0
	shift
	for pid in "$@"; do
		line=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		# Fields 14-17, counted after the command's ")" (field 3 is f[0]).
		read -r -a f <<<"${line##*) }"
		ticks=$((ticks + f[11] + f[12]))
		[ "$which" = own ] || ticks=$((ticks + f[13] + f[14]))
	done
	echo $((ticks * 1000000 / $(getconf CLK_TCK)))
}

usage_pss_kb() {
	local pid pss=0 kb
	for pid in $(usage_pids "$1"); do
		kb=$(awk '$1 == "Pss:" { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null)
		pss=$((pss + ${kb:-0}))
	done
	echo "$pss"
}

# The pids of a process and all its descendants.
usage_tree() {
	local pid
	for pid in "$@"; do
		echo "$pid"
		# shellcheck disable=SC2046 # one argument per pid
		usage_tree $(pgrep -P "$pid")
	done
}

# Run by lib.sh's exit trap once the servers stopped: a cgroup can be removed
# when its last process is gone.
usage_stop() {
	local name i
	for name in "${USAGE_GROUPS[@]}"; do
		for ((i = 0; i < 50; i++)); do
			# (cgroup files have no size: read them)
			[ -z "$(cat "$USAGE_CG/$name/cgroup.procs" 2>/dev/null)" ] && break
			sleep 0.1
		done
		rmdir "$USAGE_CG/$name" 2>/dev/null || echo "usage-lib: could not remove the cgroup $USAGE_CG/$name"
	done
	rmdir "$USAGE_CG" 2>/dev/null
}
