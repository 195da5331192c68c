"""Best-fit matching of coaching requests to coaches.

`model` holds the problem as plain data and the fit score; `load` builds it from the database;
`solver` finds the optimum (OR-Tools min-cost flow; a HiGHS reference and a greedy baseline for
checking); `plan` runs routing stage by stage; `explain` says why each request got what it got.
Everything but `load` is pure Python over plain data.
"""
