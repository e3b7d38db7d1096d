-- e2e.lua: Neovim (0.7+, headless) as the client of `redis-lua lsp`, for
-- cli's TestLSPNeovim. It reads its job from $E2E_JOB (JSON: cmd, root,
-- file, ops), starts the server with vim.lsp.start_client, opens the file
-- in a buffer attached to it and runs the ops in order, writing one JSON
-- line per op to $E2E_OUT. Ops:
--   {op="diagnostics", want=N}   wait for a publish of the file with at
--                                least N diagnostics (0: any publish)
--   {op="edit", line=L, text=T}  replace line L (from 0) of the buffer
--   {op="fix", line=L, character=C}  ask textDocument/codeAction at a
--                                position, apply the first action's edit
--                                as Neovim does, give line L afterwards
--   {op=METHOD, line=L, character=C}  a request at a position (from 0)
-- It quits with status 0, or 1 after writing {"error": ...}.

local job = vim.json.decode(os.getenv('E2E_JOB'))
local out = assert(io.open(os.getenv('E2E_OUT'), 'w'))

local function put(t)
  out:write(vim.json.encode(t), '\n')
  out:flush()
end

local function quit(code)
  out:close()
  vim.cmd('cquit ' .. code)
end

local function check(ok, msg)
  if not ok then
    put({ error = msg })
    quit(1)
  end
end

local published = {} -- uri -> {n = publishes, items = last diagnostics}
local exited = false
local ready = false

local id = vim.lsp.start_client({
  name = 'redis-lua',
  cmd = job.cmd,
  root_dir = job.root,
  workspace_folders = { { uri = vim.uri_from_fname(job.root), name = 'e2e' } },
  flags = { debounce_text_changes = 0 },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(_, params)
      local p = published[params.uri] or { n = 0 }
      p.n = p.n + 1
      p.items = params.diagnostics
      published[params.uri] = p
    end,
  },
  on_init = function() ready = true end,
  on_exit = function() exited = true end,
})
check(id ~= nil, 'start_client failed')
check(vim.wait(10000, function() return ready or exited end, 10) and ready, 'no initialize answer')
local client = vim.lsp.get_client_by_id(id)

vim.cmd('edit ' .. vim.fn.fnameescape(job.file))
local buf = vim.api.nvim_get_current_buf()
check(vim.lsp.buf_attach_client(buf, id), 'buf_attach_client failed')
local uri = vim.uri_from_bufnr(buf)

local seen = 0 -- publishes of the file consumed by diagnostics ops
for _, op in ipairs(job.ops) do
  if op.op == 'diagnostics' then
    local ok = vim.wait(10000, function()
      local p = published[uri]
      return exited or (p ~= nil and p.n > seen and #p.items >= (op.want or 0))
    end, 10)
    check(ok and not exited, 'no diagnostics with ' .. tostring(op.want) .. ' items for ' .. uri)
    seen = published[uri].n
    put({ op = 'diagnostics', result = published[uri].items })
  elseif op.op == 'fix' then
    local at = { line = op.line, character = op.character }
    local params = {
      textDocument = { uri = uri },
      range = { start = at, ['end'] = at },
      context = { diagnostics = (published[uri] or {}).items or {} },
    }
    local done, res, err = false, nil, nil
    client.request('textDocument/codeAction', params, function(e, r)
      done, err, res = true, e, r
    end, buf)
    check(vim.wait(10000, function() return done or exited end, 10) and done, 'codeAction did not answer')
    check(err == nil and res ~= nil and #res > 0, 'codeAction: ' .. vim.inspect(err or res))
    vim.lsp.util.apply_workspace_edit(res[1].edit, client.offset_encoding)
    put({ op = 'fix', title = res[1].title, result = vim.api.nvim_buf_get_lines(buf, op.line, op.line + 1, false)[1] })
  elseif op.op == 'edit' then
    vim.api.nvim_buf_set_lines(buf, op.line, op.line + 1, false, { op.text })
    put({ op = 'edit' })
  else
    local params = {
      textDocument = { uri = uri },
      position = { line = op.line, character = op.character },
    }
    local done, res, err = false, nil, nil
    client.request(op.op, params, function(e, r)
      done, err, res = true, e, r
    end, buf)
    check(vim.wait(10000, function() return done or exited end, 10) and done, op.op .. ' did not answer')
    check(err == nil, op.op .. ': ' .. vim.inspect(err))
    put({ op = op.op, result = res == nil and vim.NIL or res })
  end
end

client.stop()
vim.wait(5000, function() return exited end, 10)
put({ op = 'stopped', exited = exited })
quit(0)
