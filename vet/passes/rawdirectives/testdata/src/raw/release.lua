return 1
%arg token
