" ALE linter definition for keraslens (`keraslens serve`, LSP over stdio).
" Install: put this directory's parent on 'runtimepath' (set runtimepath+=/path/to/editors/vim),
" or copy the file to ~/.vim/ale_linters/python/keraslens.vim; then enable it, e.g.
"   let g:ale_linters = {'python': ['keraslens', 'ruff']}
" Options:
"   g:ale_python_keraslens_executable  'keraslens' (a project virtualenv's copy wins unless use_global)
"   g:ale_python_keraslens_use_global  0
"   g:ale_python_keraslens_config      {} -- sent as workspace/didChangeConfiguration settings

call ale#Set('python_keraslens_executable', 'keraslens')
call ale#Set('python_keraslens_use_global', get(g:, 'ale_use_global_executables', 0))
call ale#Set('python_keraslens_config', {})

function! ale_linters#python#keraslens#GetExecutable(buffer) abort
    return ale#python#FindExecutable(a:buffer, 'python_keraslens', ['keraslens'])
endfunction

function! ale_linters#python#keraslens#GetCommand(buffer) abort
    return ale#Escape(ale_linters#python#keraslens#GetExecutable(a:buffer)) . ' serve'
endfunction

call ale#linter#Define('python', {
\   'name': 'keraslens',
\   'lsp': 'stdio',
\   'executable': function('ale_linters#python#keraslens#GetExecutable'),
\   'command': function('ale_linters#python#keraslens#GetCommand'),
\   'project_root': function('ale#python#FindProjectRoot'),
\   'lsp_config': {b -> ale#Var(b, 'python_keraslens_config')},
\})
