# Writes a training-events CSV (docs/import.md) of N valid rows for scripts/bench.sh, spread over the real
# kab/kota codes of kla/data/regions.csv, deterministic for a seed.
#   awk -v n=100000 -v seed=2025 -f scripts/bench/events.awk kla/data/regions.csv > events.csv
# With -v only=35.07 every row is organised by that kab/kota.
BEGIN {
  FS = ","
  srand(seed + 0)
  nk = split("pelatihan bimtek tot sosialisasi", kinds, " ")
  nm = split("luring daring hybrid", modes, " ")
  np = split("sekolah_ramah_anak puskesmas_ramah_anak paud puspaga forum_anak lpks", pkinds, " ")
}
FNR > 1 && $3 == "regency" { codes[++nc] = $1; names[nc] = $2 }
END {
  if (only != "") { nc = 1; codes[1] = only; names[1] = only }
  if (nc == 0) { print "events.awk: no regency rows in the registry" > "/dev/stderr"; exit 1 }
  print "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url"
  for (i = 1; i <= n; i++) {
    r = 1 + int(rand() * nc)
    kind = kinds[1 + int(rand() * nk)]
    mode = modes[1 + int(rand() * nm)]
    year = 2018 + int(rand() * 8)
    month = 1 + int(rand() * 12)
    day = 1 + int(rand() * 26)
    len = int(rand() * 3)
    off = 0; on = 0
    if (mode != "daring") off = 10 + int(rand() * 60)
    if (mode != "luring") on = 10 + int(rand() * 150)
    byk = ""
    if (rand() < 0.5) byk = sprintf("%s:%d", pkinds[1 + int(rand() * np)], 1 + int(rand() * 9))
    pre = 40 + int(rand() * 300) / 10
    post = pre + int(rand() * 300) / 10
    printf "%s,Bimtek KHA %s %d,%s,%04d-%02d-%02d,%04d-%02d-%02d,%s,%s,%d,%d,%d,,%s,%.1f,%.1f,DP3A %s,\n",
      codes[r], i, year, kind, year, month, day, year, month, day + len, "Aula DP3A", mode, off, on,
      1 + int(rand() * 40), byk, pre, post, codes[r]
  }
}
