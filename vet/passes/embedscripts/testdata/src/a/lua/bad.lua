%arg n integr
-- want^ "unknown type \"integr\"; did you mean integer\?"
%include "lib/missing"
-- want^ "script \"lib/missing\" not found"
%include "_hidden/secret"
-- want^ "script \"_hidden/secret\" not found"
