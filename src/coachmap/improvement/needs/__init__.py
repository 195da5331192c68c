"""The needs assessment as pure computation: statistics, suppression of a table, trends, ranking, progress.

Nothing here touches the database; `improvement.queries` feeds these functions plain numbers read
from the summary tables.
"""
