-- The globals of Redis's Lua and the fields of its library tables, one
-- per line, sorted: "name type" for a global, "table.field type" for a
-- field of a global table. redis7.txt is this script's reply on
-- redis-server 7.0.15; regenerate it with
--   go test ./cli -run TestLintDataMatchesRedis -update
-- (KEYS and ARGV are not in _G: Redis sets them for each call.)
local out = {}
for name, value in pairs(_G) do
  table.insert(out, name .. ' ' .. type(value))
  if type(value) == 'table' and name ~= '_G' then
    for field, v in pairs(value) do
      table.insert(out, name .. '.' .. tostring(field) .. ' ' .. type(v))
    end
  end
end
table.sort(out)
return table.concat(out, '\n')
