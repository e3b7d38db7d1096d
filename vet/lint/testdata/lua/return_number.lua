%arg a number
%arg b number
%return number
if a > b then
  return tostring(a * 2)
end
return a * b -- want "RL105 .*bare arithmetic result"
