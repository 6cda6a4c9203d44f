" Headless Vim 9 + ALE driver for tests/e2e/test_editors.py. Puts editors/vim on 'runtimepath'
" (so ALE finds ale_linters/python/keraslens.vim as it would for a user), opens KL_FILE, lints,
" asks for a hover through ALE's LSP connection and writes what the editor saw to KL_OUT (JSON).
" Env: KL_ALE (ALE's runtime dir), KL_CONFIG_DIR (editors/vim), KL_FILE, KL_OUT, KL_CODE,
"      KL_HOVER ("line,col", 0-based), KL_TIMEOUT_MS, KL_FIX (substring of the code action
"      title to pick, as from :ALECodeAction's menu; optional).
set nocompatible
let s:t0 = reltime()
let s:report = {'errors': [], 'timings': {}}
func! s:Mark(name) abort
  let s:report.timings[a:name] = float2nr(reltimefloat(reltime(s:t0)) * 1000)
endfunc
let s:timeout = str2nr(empty($KL_TIMEOUT_MS) ? '30000' : $KL_TIMEOUT_MS)
execute 'set runtimepath^=' . fnameescape($KL_ALE)
execute 'set runtimepath+=' . fnameescape($KL_ALE) . '/after'
execute 'set runtimepath+=' . fnameescape($KL_CONFIG_DIR)
filetype plugin on
let g:ale_linters = {'python': ['keraslens']}
let g:ale_linters_explicit = 1
let g:ale_python_keraslens_use_global = 1
let g:ale_lint_on_enter = 1
runtime plugin/ale.vim
let s:hover = v:null
func! OnHover(resp) abort
  let s:hover = a:resp
endfunc
let s:actions = v:null
func! OnActions(data, items) abort
  let s:actions = [a:data, a:items]
endfunc
func! s:Target() abort
  for l:item in ale#engine#GetLoclist(bufnr(''))
    if get(l:item, 'code', '') ==# $KL_CODE
      return l:item
    endif
  endfor
  return {}
endfunc
func! s:HasCode() abort
  for l:item in ale#engine#GetLoclist(bufnr(''))
    if get(l:item, 'code', '') ==# $KL_CODE
      return 1
    endif
  endfor
  return 0
endfunc
func! s:Wait(cond) abort
  let l:deadline = reltimefloat(reltime()) + s:timeout / 1000.0
  while !eval(a:cond) && reltimefloat(reltime()) < l:deadline
    sleep 20m
  endwhile
endfunc
try
  execute 'edit ' . fnameescape($KL_FILE)
  let s:report.filetype = &filetype
  if &filetype !=# 'python'
    set filetype=python
  endif
  ALELint
  if !empty($KL_CODE)
    call s:Wait('s:HasCode()')
    call s:Mark('diagnostics')
    let s:report.diagnostics = ale#engine#GetLoclist(bufnr(''))
  endif
  if !empty($KL_HOVER)
    let [s:line, s:col] = map(split($KL_HOVER, ','), 'str2nr(v:val)')
    call ale#lsp_linter#SendRequest(bufnr(''), 'keraslens', [0, 'textDocument/hover',
    \ {'textDocument': {'uri': ale#util#ToURI(expand('%:p'))}, 'position': {'line': s:line, 'character': s:col}}],
    \ function('OnHover'))
    call s:Wait('s:hover isnot v:null')
    let s:report.hover = s:hover
    call s:Mark('hover')
  endif
  let s:target = empty($KL_CODE) ? {} : s:Target()
  if !empty($KL_FIX) && !empty(s:target)
    " :ALECodeAction with a menu callback (ALE's hook for its own popup menu) instead of inputlist()
    " column 1 (indentation): ALE sends the line's diagnostic as context only when the cursor is
    " not on a word (on a word it asks for the word's range with no diagnostics)
    call cursor(s:target.lnum, 1)
    let s:tick = b:changedtick
    call ale#codefix#Execute(0, function('OnActions'))
    call s:Wait('s:actions isnot v:null')
    let [s:data, s:items] = s:actions is v:null ? [{}, []] : s:actions
    let s:report.code_actions = map(copy(s:items), 'v:val[1].title')
    for s:item in s:items
      if stridx(s:item[1].title, $KL_FIX) >= 0
        let s:report.applied = s:item[1].title
        call ale#codefix#ApplyLSPCodeAction(s:data, s:item[1])
        break
      endif
    endfor
    call s:Mark('fix_applied')
    let s:report.buffer_changed = b:changedtick != s:tick
    if has_key(s:report, 'applied')
      ALELint
      call s:Wait('b:changedtick != s:tick && !s:HasCode()')
    endif
    let s:report.diagnostics_after_fix = ale#engine#GetLoclist(bufnr(''))
    let s:report.lines_after_fix = getline(1, '$')
    call s:Mark('fix_diagnostics')
  endif
catch
  call add(s:report.errors, v:exception . ' at ' . v:throwpoint)
endtry
call s:Mark('total')
call writefile([json_encode(s:report)], $KL_OUT)
call ale#lsp#StopAll()
qa!
