-- The "foo.lua" script in the same folder defines the "create_foo()"
-- function.

%include "foo"

local t = create_foo(1, "a");
