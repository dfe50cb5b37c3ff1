#!/usr/bin/env bash
# bench/http/summarize.sh FILE - Markdown tables from bench/http/run.sh's raw
# trial lines: per part and contender the median QPS (min-max over rounds),
# median p99, median server CPU per reply, errors, ratio of median QPS to
# the part's first contender, median 1-minute load average; for mem the
# median bytes per idle connection.
set -uo pipefail
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 RAW_FILE" >&2; exit 2; }
awk '
  function med(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function lo(s,   a, n, i, m) { n = split(s, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 < m) m = a[i] + 0; return m }
  function hi(s,   a, n, i, m) { n = split(s, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 > m) m = a[i] + 0; return m }
  /^#/ { print; next }
  $1 ~ /^part=/ {
    delete f
    for (i = 1; i <= NF; i++) { k = index($i, "="); f[substr($i, 1, k - 1)] = substr($i, k + 1) }
    p = f["part"]; nm = f["name"]
    if (p == "mem") {
      key = f["idle"] SUBSEP nm
      if (!(key in mb)) { mkeys[++nm_n] = key }
      mb[key] = mb[key] " " f["bytes_per_conn"]
      next
    }
    if (!(p in pseen)) { pseen[p] = 1; parts[++np] = p }
    if (!((p, nm) in nseen)) { nseen[p, nm] = 1; names[p, ++nn[p]] = nm }
    q[p, nm] = q[p, nm] " " f["qps"]
    l[p, nm] = l[p, nm] " " f["p99_us"]
    cpu[p, nm] = cpu[p, nm] " " f["srv_cpu_us"]
    lgc[p, nm] = lgc[p, nm] " " f["lg_cpu_us"]
    ld[p, nm] = ld[p, nm] " " (("load1" in f) ? f["load1"] : "")
    err[p, nm] += f["errors"]
    rounds[p, nm]++
  }
  END {
    print ""
    print "| part | contender | rounds | QPS median | min-max | ratio | p99 us | server CPU us/reply | load generator CPU us/reply | errors |"
    print "|---|---|---:|---:|---|---:|---:|---:|---:|---:|"
    for (i = 1; i <= np; i++) {
      p = parts[i]; b = names[p, 1]; bq = med(q[p, b])
      for (j = 1; j <= nn[p]; j++) {
        nm = names[p, j]; m = med(q[p, nm])
        printf "| %s | %s | %d | %.0f | %.0f-%.0f | %.2f | %.0f | %.2f | %.2f | %d |\n", p, nm, rounds[p, nm], m,
          lo(q[p, nm]), hi(q[p, nm]), (bq > 0 ? m / bq : 0), med(l[p, nm]), med(cpu[p, nm]), med(lgc[p, nm]), err[p, nm]
      }
    }
    if (nm_n) {
      print ""
      print "| idle connections | kind | bytes per connection (median) | trials |"
      print "|---:|---|---:|---|"
      for (i = 1; i <= nm_n; i++) {
        split(mkeys[i], kk, SUBSEP)
        printf "| %s | %s | %.0f | %s |\n", kk[1], kk[2], med(mb[mkeys[i]]), mb[mkeys[i]]
      }
    }
  }' "$1"
