-- keraslens for Neovim 0.7+ without plugins.
-- Copy to ~/.config/nvim/lua/keraslens.lua, then in init.lua:
--   require("keraslens").setup()                              -- runs `keraslens serve`
--   require("keraslens").setup({ cmd = { "/path/to/venv/bin/keraslens", "serve" } })
-- Neovim 0.11+: editors/nvim/lsp/keraslens.lua is the native `vim.lsp.config` form.
local M = {}

M.defaults = {
  name = "keraslens",
  cmd = { "keraslens", "serve" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.cfg", "setup.py", ".git" },
  settings = { keraslens = {} }, -- answered to workspace/configuration
  init_options = {},
}

-- Nearest ancestor directory holding one of `markers`, else the file's directory
-- (vim.fs.find is 0.8+, so this walks up by hand).
local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local start = dir
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return start
    end
    dir = parent
  end
end

local clients = {} -- root_dir -> client id (0.7 path only; vim.lsp.start reuses by itself)

function M.attach(bufnr, config)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" then
    return nil
  end
  local root = find_root(path, config.root_markers)
  local client_config = {
    name = config.name,
    cmd = config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    settings = config.settings,
    init_options = config.init_options,
    capabilities = config.capabilities,
    on_attach = config.on_attach,
  }
  if vim.lsp.start then -- 0.8+
    return vim.lsp.start(client_config, { bufnr = bufnr })
  end
  local id = clients[root]
  if not (id and vim.lsp.get_client_by_id(id)) then
    id = vim.lsp.start_client(client_config)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

function M.setup(opts)
  local config = vim.tbl_deep_extend("force", M.defaults, opts or {})
  local group = vim.api.nvim_create_augroup("keraslens", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf, config)
    end,
  })
  M.config = config
  return config
end

return M
