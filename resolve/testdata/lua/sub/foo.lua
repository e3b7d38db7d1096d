-- The "foo.lua" script in the same folder defines the "create_foo()"
-- function.
function create_foo(n, s) return n end
