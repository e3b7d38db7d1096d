%arg size integer
%include "lib/foo_keys"
%return integer

redis.call('SET', foo_size_key, size)
return size
