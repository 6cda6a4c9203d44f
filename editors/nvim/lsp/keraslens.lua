-- keraslens for Neovim 0.11+ (native LSP config). Put this directory's `lsp/` on 'runtimepath'
-- (or copy the file to ~/.config/nvim/lsp/keraslens.lua) and call: vim.lsp.enable("keraslens")
return {
  cmd = { "keraslens", "serve" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.cfg", "setup.py", ".git" },
  settings = { keraslens = {} },
}
