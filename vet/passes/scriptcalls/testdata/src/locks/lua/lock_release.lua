%key lock
%arg token string
%return boolean
%include "lib/owned"
if owned(lock, token) then
  return redis.call('DEL', lock)
end
return 0
