local function check(n)
  if n < 0 then
    error("negative: " .. n)
  end
  if n > 1000 then
    return 1000
  end
  return n
end
