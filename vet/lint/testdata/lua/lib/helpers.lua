%pragma once
local function helper_value()
  return missing_global -- want "W113 read of global missing_global"
end
