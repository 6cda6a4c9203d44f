-- Headless Neovim (0.7.2+) driver for tests/e2e/test_editors.py. Loads editors/nvim/keraslens.lua
-- exactly as a user would, opens KL_FILE, and writes what the editor saw to KL_OUT (JSON).
-- Env: KL_CONFIG, KL_FILE, KL_OUT, KL_CODE (diagnostic to wait for), KL_HOVER ("line,col", 0-based),
--      KL_FIX (substring of the quick fix title to apply, optional), KL_TIMEOUT_MS.
local env = function(name, default) local v = os.getenv(name); if v == nil or v == "" then return default end; return v end
local timeout = tonumber(env("KL_TIMEOUT_MS", "30000"))
local want_code = env("KL_CODE")
local report = { errors = {}, timings = {} }
local t0 = vim.loop.hrtime()
local function mark(name) report.timings[name] = math.floor((vim.loop.hrtime() - t0) / 1e6) end

local function finish()
  mark("total")
  vim.fn.writefile({ vim.fn.json_encode(report) }, env("KL_OUT"))
  for _, client in pairs(vim.lsp.get_active_clients()) do client.stop() end
  vim.wait(3000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
  vim.cmd("qa!")
end

local function diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, { lnum = d.lnum, col = d.col, code = d.code, source = d.source, severity = d.severity, message = d.message })
  end
  return out
end

local function has_code(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then return d end
  end
  return nil
end

local function hover_text(result)
  if not result or not result.contents then return nil end
  local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
  return table.concat(lines, "\n")
end

local ok, err = pcall(function()
  dofile(env("KL_CONFIG")).setup()
  vim.cmd("edit " .. vim.fn.fnameescape(env("KL_FILE")))
  local bufnr = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo.filetype
  if vim.bo.filetype ~= "python" then vim.bo.filetype = "python" end -- also fires the FileType autocmd

  if not vim.wait(timeout, function()
    local clients = vim.lsp.buf_get_clients(bufnr)
    for _, c in pairs(clients) do if c.initialized then return true end end
    return false
  end, 20) then error("no initialized LSP client attached to the buffer") end
  mark("initialized")
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    report.client = { name = c.name, cmd = c.config.cmd, root_dir = c.config.root_dir,
      server = c.server_info and c.server_info.name }
  end

  if want_code then
    vim.wait(timeout, function() return has_code(bufnr, want_code) ~= nil end, 20)
    report.diagnostics = diagnostics(bufnr)
    mark("diagnostics")
  end

  local hover = env("KL_HOVER")
  if hover then
    local line, col = hover:match("(%d+),(%d+)")
    local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = tonumber(line), character = tonumber(col) } }
    local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/hover", params, timeout)
    for _, r in pairs(responses or {}) do
      if r.err then table.insert(report.errors, "hover: " .. vim.inspect(r.err)) end
      report.hover = report.hover or hover_text(r.result)
    end
    mark("hover")
  end

  local fix = env("KL_FIX")
  local target = has_code(bufnr, want_code)
  if fix and target then
    -- The user's path: cursor on the diagnostic, :lua vim.lsp.buf.code_action(), pick from the menu.
    report.code_actions = {}
    local picked, shown = false, false
    vim.ui.select = function(items, opts, on_choice)
      shown = true
      for i, item in ipairs(items) do
        local action = item[2] or item.action or item
        table.insert(report.code_actions, action.title)
      end
      for i, item in ipairs(items) do
        local action = item[2] or item.action or item
        if not picked and action.title and action.title:find(fix, 1, true) then
          picked = true
          report.applied = action.title
          on_choice(item, i)
          return
        end
      end
      on_choice(nil, nil)
    end
    local tick = vim.api.nvim_buf_get_changedtick(bufnr)
    vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
    vim.lsp.buf.code_action()
    vim.wait(timeout, function() return vim.api.nvim_buf_get_changedtick(bufnr) ~= tick or (shown and not picked) end, 20)
    report.buffer_changed = vim.api.nvim_buf_get_changedtick(bufnr) ~= tick
    mark("fix_applied")
    -- the server re-publishes after didChange; wait for the fixed diagnostic to go away
    if picked then
      vim.wait(timeout, function() return report.buffer_changed and has_code(bufnr, want_code) == nil end, 20)
    end
    report.diagnostics_after_fix = diagnostics(bufnr)
    report.lines_after_fix = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    mark("fix_diagnostics")
  end
end)
if not ok then table.insert(report.errors, tostring(err)) end
finish()
