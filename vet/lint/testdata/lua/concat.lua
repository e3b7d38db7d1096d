%arg id integer
%arg name string
local key = 'user:' .. id -- want "RL103 integer argument id concatenated"
local other = 'name:' .. name
local fine = string.format('user:%d', id)
return {key, other, fine}
