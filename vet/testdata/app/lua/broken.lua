%arg n integr
return n
