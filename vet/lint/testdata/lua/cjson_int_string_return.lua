%arg id integer
%return string
-- A string result: the script decides what it encodes.
return cjson.encode({id = id})
