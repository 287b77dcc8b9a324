"""好差评: ratings of every service (cases, window visits, appeals), rectification of 差评, appeals against ratings, statistics."""
