%include "lib/missing"
return 1
