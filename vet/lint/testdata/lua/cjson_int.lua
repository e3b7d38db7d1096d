%arg id integer
%arg label string
%return dict
local a = cjson.encode({label = label})
return cjson.encode({id = id, a = a}) -- want "RL104 cjson.encode of integer argument id"
