check -o sim
