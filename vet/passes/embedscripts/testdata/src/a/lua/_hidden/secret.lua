-- Not embedded: files starting with _ need the all: prefix.
return 1
