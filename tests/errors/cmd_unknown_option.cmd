check --frobnicate
