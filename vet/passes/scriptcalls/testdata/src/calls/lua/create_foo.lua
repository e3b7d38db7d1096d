%key foo_key
%arg size integer
%arg members list
%arg flags dict
%arg on boolean
%arg label string
%return dict
return cjson.encode({foo_key, size, members, flags, on, label})
