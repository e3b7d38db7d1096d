%include "lib/helpers"
return helper_value()
