"""The officer's dashboard: where each procurement of the officer's organisations stands and
what waits on whom. Per person tasks (keys, openings) stay on bids' "My tasks" page."""
