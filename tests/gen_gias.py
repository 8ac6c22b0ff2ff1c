#!/usr/bin/env python3
"""A national-size GIAS extract for `make bench-import`.

gen_gias.py DIR [ROWS] [MEMBERS] writes DIR/gias.csv (Windows-1252, ~130
columns in DfE's style: header quoted, URN unquoted, every other field
quoted, ~1.3 KB a row) and DIR/members.csv (every ROWS/MEMBERS-th URN).
Deterministic: the same arguments give the same bytes.
"""
import os
import sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
members = int(sys.argv[3]) if len(sys.argv) > 3 else 600
os.makedirs(out, exist_ok=True)

named = ["URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
         "TypeOfEstablishment (code)", "TypeOfEstablishment (name)", "EstablishmentStatus (code)",
         "EstablishmentStatus (name)", "CloseDate", "PhaseOfEducation (code)", "PhaseOfEducation (name)",
         "NumberOfPupils", "PercentageFSM", "Trusts (code)", "Trusts (name)", "Street", "GOR (code)",
         "GOR (name)", "LSOA (code)", "FSM"]
cols = named + ["Filler%03d (name)" % i for i in range(130 - len(named))]
regions = ["North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West"]
phases = ["Primary", "Secondary", "Middle deemed primary", "All-through", "16 plus", "Nursery"]
step = max(1, rows // members)
with open(os.path.join(out, "gias.csv"), "wb") as g, open(os.path.join(out, "members.csv"), "w") as m:
    g.write((",".join('"%s"' % c for c in cols) + "\r\n").encode("cp1252"))
    m.write("urn,joined\n")
    for i in range(rows):
        urn = 100000 + i
        pupils = 100 + i % 1500
        vals = {"LA (code)": str(200 + i % 150), "LA (name)": "Kingston upon Hull, City of" if i % 7 == 0 else "Leeds",
                "EstablishmentNumber": str(i % 9999), "EstablishmentName": "École Fierté %d's School" % i,
                "TypeOfEstablishment (code)": "28", "TypeOfEstablishment (name)": "Academy converter",
                "EstablishmentStatus (code)": "1", "EstablishmentStatus (name)": "Open", "CloseDate": "",
                "PhaseOfEducation (code)": "2", "PhaseOfEducation (name)": phases[i % len(phases)],
                "NumberOfPupils": str(pupils), "PercentageFSM": "%.1f" % (100 * (pupils // 4) / pupils),
                "Trusts (code)": str(16000 + i % 2000), "Trusts (name)": "FIERTÉ MULTI-ACADEMY TRUST %d" % (i % 2000),
                "Street": "%d High Street" % i, "GOR (code)": "A", "GOR (name)": regions[i % 9],
                "LSOA (code)": "E0100%04d" % (i % 10000), "FSM": str(pupils // 4)}
        fields = [str(urn)] + ['"%s"' % vals.get(c, "Not applicable" if i % 3 else "") for c in cols[1:]]
        g.write((",".join(fields) + "\r\n").encode("cp1252"))
        if i % step == 0:
            m.write("%d,2020-09-01\n" % urn)
