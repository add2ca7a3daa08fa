# ---
# Weekly Site Needs table — the information manager's notebook
#
# What a CCCM information manager runs every Monday today, written the way such notebooks
# are written (pandas + openpyxl, one cell after the other): read the KoboToolbox XLSX
# export of the week, clean the types, keep one submission per site and round, join last
# week's table for the population change, compute severities, priority counts and the WASH
# indicators against Sphere thresholds, and write the XLSX that goes to the clusters.
#
# It is the baseline SiteTrack's import + weekly report is measured against
# (bench/benchmarks/pipeline.py). Run on its own:
#
#     python -m bench.baselines.pandas_notebook EXPORT.xlsx LAST_WEEK.xlsx OUTPUT.xlsx [calamine]
#
# The last argument is the engine pandas reads the workbooks with: openpyxl (the default,
# what most notebooks use) or calamine (pandas >= 2.2 with python-calamine, what a savvy
# information manager switches to: it reads a 5,000-row export many times faster).
# ---

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

# %% Parameters (changed by hand every week)
SPHERE_LITRES = 15  # l/person/day
SPHERE_PEOPLE_PER_LATRINE = 20
SPHERE_FIRST_PHASE_LATRINE = 50
SPHERE_FEMALE_MALE = 3
SPHERE_PEOPLE_PER_WATER_POINT = 250
SPHERE_COVERED_M2 = 3.5
SEVERE = 4
SECTORS = [
    "protection",
    "wash",
    "health",
    "food_security",
    "shelter_nfi",
    "security",
    "education",
    "nutrition",
    "livelihoods",
    "cccm",
]
SADD = [f"{s}_{b}" for s in ("f", "m") for b in ("0_4", "5_11", "12_17", "18_59", "60_plus")]


def main(export_path: str, last_week_path: str, output_path: str, engine: str = "openpyxl") -> pd.DataFrame:
    # %% Read the Kobo export (all sheets: the main one and the repeat groups)
    sheets = pd.read_excel(export_path, sheet_name=None, engine=engine)
    main_sheet = list(sheets)[0]
    df = sheets[main_sheet]
    flows = sheets.get("flows")
    print(f"{len(df)} submissions, {len(df.columns)} columns")

    # %% Column names: drop the group paths (grp_population/individuals -> individuals)
    df.columns = [c.split("/")[-1] for c in df.columns]
    df = df.loc[:, ~df.columns.duplicated()]

    # %% Clean types
    numeric = (
        ["households", "individuals", "arrivals", "departures"]
        + SADD
        + ["need_" + s for s in SECTORS]
        + [
            "water_litres_per_day",
            "water_points",
            "latrines_functional",
            "latrines_female",
            "latrines_male",
            "handwashing_stations",
            "security_incidents",
            "covered_area_m2",
        ]
    )
    for col in numeric:
        if col in df.columns:
            df[col] = pd.to_numeric(df[col], errors="coerce")
    df["visit_date"] = pd.to_datetime(df["visit_date"], errors="coerce")
    df["_submission_time"] = pd.to_datetime(df["_submission_time"], errors="coerce")
    df["site_code"] = df["site_code"].astype(str).str.strip().str.upper()
    for col in ["latrines_lighting", "latrines_lockable"]:
        if col in df.columns:
            df[col] = df[col].astype(str).str.lower().isin(["yes", "true", "1"])

    # %% Drop what the field team rejected, and obvious junk
    if "_validation_status" in df.columns:
        df = df[df["_validation_status"].astype(str) != "validation_status_not_approved"]
    df = df[df["site_code"].notna() & (df["site_code"] != "NAN")]
    df = df[df["individuals"].notna()]

    # %% Quick checks (printed, fixed by hand in the export when they matter)
    sadd_total = df[SADD].sum(axis=1)
    print("SADD does not add up:", int((sadd_total != df["individuals"]).sum()))
    print("more households than people:", int((df["households"] > df["individuals"]).sum()))

    # %% Round = ISO week of the visit; one submission per site and round (the last one)
    iso = df["visit_date"].dt.isocalendar()
    df["round"] = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    df = df.sort_values("_submission_time").groupby(["site_code", "round"], as_index=False).last()
    this_round = df["round"].max()
    week = df[df["round"] == this_round].copy()

    # %% Arrivals / departures from the repeat sheet (if the enumerators used it)
    if flows is not None and len(flows):
        flows.columns = [c.split("/")[-1] for c in flows.columns]
        flows["flow_individuals"] = pd.to_numeric(flows["flow_individuals"], errors="coerce")
        per_parent = flows.pivot_table(
            index="_parent_index",
            columns="flow_direction",
            values="flow_individuals",
            aggfunc="sum",
            fill_value=0,
        )
        per_parent.columns = [f"flow_{c}" for c in per_parent.columns]
        week = week.merge(per_parent, left_on="_index", right_index=True, how="left")

    # %% Last week's table (what this notebook wrote last Monday) for the change
    last = pd.read_excel(last_week_path, sheet_name="Sites", engine=engine)
    last = last[["site_code", "individuals"]].rename(columns={"individuals": "previous_individuals"})
    week = week.merge(last, on="site_code", how="left")
    week["change"] = week["individuals"] - week["previous_individuals"]

    # %% WASH and shelter indicators against Sphere
    week["litres_per_person_day"] = week["water_litres_per_day"] / week["individuals"]
    week["people_per_latrine"] = week["individuals"] / week["latrines_functional"].replace(0, np.nan)
    week["female_male_latrine_ratio"] = week["latrines_female"] / week["latrines_male"].replace(0, np.nan)
    week["people_per_water_point"] = week["individuals"] / week["water_points"].replace(0, np.nan)
    week["covered_m2_per_person"] = week["covered_area_m2"] / week["individuals"]
    week["gap_water"] = week["litres_per_person_day"] < SPHERE_LITRES
    week["gap_latrines"] = week["people_per_latrine"] > SPHERE_PEOPLE_PER_LATRINE
    week["gap_latrines_first_phase"] = week["people_per_latrine"] > SPHERE_FIRST_PHASE_LATRINE
    week["gap_latrine_ratio"] = week["female_male_latrine_ratio"] < SPHERE_FEMALE_MALE
    week["gap_water_points"] = week["people_per_water_point"] > SPHERE_PEOPLE_PER_WATER_POINT
    week["gap_shelter"] = week["covered_m2_per_person"] < SPHERE_COVERED_M2
    gap_cols = [c for c in week.columns if c.startswith("gap_")]
    week["critical_gaps"] = week[gap_cols].sum(axis=1)

    # %% Severe sectors per site
    need_cols = ["need_" + s for s in SECTORS]
    week["severe_sectors"] = week[need_cols].apply(
        lambda row: ", ".join(c[5:] for c, v in row.items() if v >= SEVERE), axis=1
    )

    # %% Priority needs: how many sites put each sector first, second, third
    ranks = []
    for sector in SECTORS:
        first = int((week["priority_1"] == sector).sum())
        second = int((week["priority_2"] == sector).sum())
        third = int((week["priority_3"] == sector).sum())
        ranks.append(
            {
                "sector": sector,
                "first": first,
                "second": second,
                "third": third,
                "score": 3 * first + 2 * second + third,
            }
        )
    priorities = pd.DataFrame(ranks).sort_values("score", ascending=False)

    # %% Key figures and the admin2 summary
    key = pd.DataFrame(
        [
            ("Round", this_round),
            ("Sites assessed", len(week)),
            ("Individuals", int(week["individuals"].sum())),
            ("Households", int(week["households"].sum())),
            ("Arrivals", int(week["arrivals"].sum())),
            ("Departures", int(week["departures"].sum())),
            ("Change since last week", int(week["change"].sum(skipna=True))),
            ("Sites with critical gaps", int((week["critical_gaps"] > 0).sum())),
        ],
        columns=["Figure", "Value"],
    )
    by_admin2 = (
        week.groupby(["admin1", "admin2"])
        .agg(
            sites=("site_code", "count"),
            individuals=("individuals", "sum"),
            households=("households", "sum"),
            arrivals=("arrivals", "sum"),
            departures=("departures", "sum"),
            sites_with_gaps=("critical_gaps", lambda s: int((s > 0).sum())),
        )
        .reset_index()
    )
    sector_gaps = {
        sector: week[week["need_" + sector] >= SEVERE][
            ["admin1", "admin2", "site_code", "individuals", "need_" + sector, "priority_1"]
        ].sort_values("need_" + sector, ascending=False)
        for sector in SECTORS
    }

    # %% The table the clusters get
    columns = (
        ["admin1", "admin2", "site_code", "individuals", "households", "arrivals", "departures"]
        + ["previous_individuals", "change"]
        + need_cols
        + ["priority_1", "priority_2", "priority_3", "severe_sectors"]
        + [
            "litres_per_person_day",
            "people_per_latrine",
            "female_male_latrine_ratio",
            "people_per_water_point",
            "covered_m2_per_person",
            "critical_gaps",
        ]
    )
    sites = week[columns].sort_values(["admin1", "admin2", "site_code"])

    # %% Write the workbook
    with pd.ExcelWriter(output_path, engine="openpyxl") as writer:
        key.to_excel(writer, sheet_name="Key figures", index=False)
        sites.to_excel(writer, sheet_name="Sites", index=False)
        priorities.to_excel(writer, sheet_name="Priorities", index=False)
        by_admin2.to_excel(writer, sheet_name="By admin2", index=False)
        for sector, table in sector_gaps.items():
            table.to_excel(writer, sheet_name=f"Gaps {sector}"[:31], index=False)
    print(f"wrote {output_path}: {len(sites)} sites")
    return sites


if __name__ == "__main__":
    main(*sys.argv[1:5])
