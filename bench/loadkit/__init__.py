"""The pieces of the load benchmark (bench/load.py): the Locust users, the accounts they act as,
and the bench-only settings that add the trivial baseline view beside the product's pages."""
