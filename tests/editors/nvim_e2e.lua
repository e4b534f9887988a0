-- Neovim end-to-end script for tests/editors/test_nvim_e2e.py.
--
-- Run as:  nvim --headless --clean --cmd "set rtp^=<editors/nvim>" -l nvim_e2e.lua
-- Inputs (environment): DOCKERLS_E2E_FILE (Dockerfile to open), DOCKERLS_E2E_OUT (JSON result
-- path), DOCKERLS_E2E_CMD (JSON array: server command). Each capability is recorded separately
-- under its own key, with `error` set when the step failed, so pytest can judge each on its own.
-- Every wait is bounded; the script always writes its result file and exits.

local file = assert(os.getenv('DOCKERLS_E2E_FILE'), 'DOCKERLS_E2E_FILE not set')
local out_path = assert(os.getenv('DOCKERLS_E2E_OUT'), 'DOCKERLS_E2E_OUT not set')
local cmd = vim.json.decode((assert(os.getenv('DOCKERLS_E2E_CMD'), 'DOCKERLS_E2E_CMD not set')))
local WAIT_MS = tonumber(os.getenv('DOCKERLS_E2E_WAIT_MS') or '20000')

local R = { nvim_version = tostring(vim.version()) }

local function write_result()
  local fh = assert(io.open(out_path, 'w'))
  fh:write(vim.json.encode(R))
  fh:close()
end

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

local function diag_list(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    list[#list + 1] = {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      code = d.code ~= nil and tostring(d.code) or vim.NIL,
      source = d.source or vim.NIL,
      message = d.message,
    }
  end
  table.sort(list, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return list
end

--- Run one step; a Lua error becomes R[name].error instead of aborting the whole script.
local function step(name, fn)
  R[name] = R[name] or {}
  local ok, err = xpcall(fn, debug.traceback, R[name])
  if not ok then
    R[name].error = tostring(err)
  end
end

--- One request, synchronously; returns result, error-or-nil.
local client, buf

local function request(buf, method, params)
  if client and not client:supports_method(method, buf) then
    return nil, 'server does not support ' .. method
  end
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, WAIT_MS)
  if not responses then
    return nil, 'no response: ' .. tostring(err)
  end
  for _, resp in pairs(responses) do
    if resp.err then
      return nil, vim.inspect(resp.err)
    end
    return resp.result, nil
  end
  return nil, 'no client answered ' .. method
end

step('attach', function(r)
  vim.lsp.config('dockerls_py', { cmd = cmd })
  vim.lsp.enable('dockerls_py')
  vim.cmd.edit(vim.fn.fnameescape(file))
  buf = vim.api.nvim_get_current_buf()
  r.filetype = vim.bo[buf].filetype
  local attached = vim.wait(WAIT_MS, function()
    local clients = vim.lsp.get_clients({ bufnr = buf, name = 'dockerls_py' })
    client = clients[1]
    return client ~= nil and client.initialized == true
  end, 50)
  r.attached = attached
  if client then
    r.client_name = client.name
    r.server_info = client.server_info or vim.NIL
    r.offset_encoding = client.offset_encoding
    r.cmd = client.config.cmd
    r.root_dir = client.root_dir or vim.NIL
    r.initialization_options = client.config.init_options
    local caps = client.server_capabilities or {}
    r.capabilities = {
      completion = caps.completionProvider ~= nil,
      hover = caps.hoverProvider ~= nil and caps.hoverProvider ~= false,
      code_action = caps.codeActionProvider ~= nil and caps.codeActionProvider ~= false,
      formatting = caps.documentFormattingProvider ~= nil and caps.documentFormattingProvider ~= false,
    }
  end
end)

local function ready()
  return client ~= nil and buf ~= nil
end

step('diagnostics', function(r)
  assert(ready(), 'no client attached')
  r.arrived = vim.wait(WAIT_MS, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50)
  r.items = diag_list(buf)
end)

step('hover', function(r)
  assert(ready(), 'no client attached')
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 0, character = 1 } }
  local result, err = request(buf, 'textDocument/hover', params)
  r.request_error = err or vim.NIL
  if result and result ~= vim.NIL then
    local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
    r.text = table.concat(lines, '\n')
  else
    r.text = vim.NIL
  end
end)

step('completion', function(r)
  assert(ready(), 'no client attached')
  local last = vim.api.nvim_buf_line_count(buf) - 1
  r.line = last
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = last, character = 0 } }
  local result, err = request(buf, 'textDocument/completion', params)
  r.request_error = err or vim.NIL
  local items = {}
  if result and result ~= vim.NIL then
    items = result.items or result
  end
  r.labels = {}
  for _, item in ipairs(items) do
    r.labels[#r.labels + 1] = item.label
  end
end)

step('code_action', function(r)
  assert(ready(), 'no client attached')
  local uri = vim.uri_from_bufnr(buf)
  local chosen, chosen_diag
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp_diag = d.user_data and d.user_data.lsp
    if lsp_diag then
      local params = {
        textDocument = { uri = uri },
        range = lsp_diag.range,
        context = { diagnostics = { lsp_diag }, triggerKind = 1 },
      }
      local result, err = request(buf, 'textDocument/codeAction', params)
      if err then
        r.request_error = err
      end
      for _, action in ipairs(result or {}) do
        if type(action.command) ~= 'string' then -- a CodeAction, not a bare Command
          if action.edit == nil and action.data ~= nil then
            local resolved = request(buf, 'codeAction/resolve', action)
            action = resolved or action
          end
          if action.edit ~= nil then
            chosen, chosen_diag = action, lsp_diag
            break
          end
        end
      end
    end
    if chosen then
      break
    end
  end
  r.found = chosen ~= nil
  if not chosen then
    return
  end
  r.title = chosen.title
  r.kind = chosen.kind or vim.NIL
  r.diagnostic = { code = tostring(chosen_diag.code), line = chosen_diag.range.start.line }
  r.before = buf_text(buf)
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  r.after = buf_text(buf)
  -- The fixed diagnostic must disappear once the server has re-linted the edited buffer.
  r.diagnostic_gone = vim.wait(WAIT_MS, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if tostring(d.code) == r.diagnostic.code and d.lnum == r.diagnostic.line then
        return false
      end
    end
    return true
  end, 50)
  r.diagnostics_after = diag_list(buf)
end)

step('formatting', function(r)
  assert(ready(), 'no client attached')
  -- registered for the Dockerfile's filetype once it was opened (a dynamic registration)
  r.supported = vim.wait(WAIT_MS, function()
    return client:supports_method('textDocument/formatting', buf)
  end, 50)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    options = { tabSize = 4, insertSpaces = true },
  }
  r.before = buf_text(buf)
  local result, err = request(buf, 'textDocument/formatting', params)
  r.request_error = err or vim.NIL
  r.edit_count = (result and result ~= vim.NIL) and #result or 0
  if r.edit_count > 0 then
    vim.lsp.util.apply_text_edits(result, buf, client.offset_encoding)
  end
  r.after = buf_text(buf)
end)

step('edit', function(r)
  assert(ready(), 'no client attached')
  -- Append an untagged FROM on a brand-new last line: any diagnostic there is fresh.
  local n = vim.api.nvim_buf_line_count(buf)
  local last = vim.api.nvim_buf_get_lines(buf, n - 1, n, false)[1]
  local line
  if last == '' then
    line = n - 1
    vim.api.nvim_buf_set_lines(buf, n - 1, n, false, { 'FROM debian' })
  else
    line = n
    vim.api.nvim_buf_set_lines(buf, n, n, false, { 'FROM debian' })
  end
  r.line = line
  local function on_line()
    local found = {}
    for _, d in ipairs(diag_list(buf)) do
      if d.lnum == line then
        found[#found + 1] = d
      end
    end
    return found
  end
  r.appeared = vim.wait(WAIT_MS, function()
    return #on_line() > 0
  end, 50)
  r.new_line_diagnostics = on_line()
  -- Remove the line again: its diagnostic must go away.
  vim.api.nvim_buf_set_lines(buf, line, line + 1, false, {})
  r.cleared = vim.wait(WAIT_MS, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum >= line then
        return false
      end
    end
    return true
  end, 50)
  r.final_text = buf_text(buf)
end)

step('compose', function(r)
  -- The Compose file beside the Dockerfile: the same client attaches, the typo'd target gets
  -- a diagnostic, and the other service's target leads to the stage.
  assert(ready(), 'no client attached')
  local compose = vim.fs.joinpath(vim.fs.dirname(file), 'compose.yaml')
  vim.cmd.edit(vim.fn.fnameescape(compose))
  local cbuf = vim.api.nvim_get_current_buf()
  r.filetype = vim.bo[cbuf].filetype
  r.attached = vim.wait(WAIT_MS, function()
    return #vim.lsp.get_clients({ bufnr = cbuf, name = 'dockerls_py' }) > 0
  end, 50)
  local cclient = vim.lsp.get_clients({ bufnr = cbuf, name = 'dockerls_py' })[1]
  r.same_client = cclient ~= nil and cclient.id == client.id
  -- dockerls formats Dockerfiles only: not a formatter of the Compose file
  r.formats_compose = client:supports_method('textDocument/formatting', cbuf)
  r.arrived = vim.wait(WAIT_MS, function()
    for _, d in ipairs(vim.diagnostic.get(cbuf)) do
      if tostring(d.code) == 'UnknownBuildTarget' then
        return true
      end
    end
    return false
  end, 50)
  r.items = diag_list(cbuf)
  local line = tonumber(os.getenv('DOCKERLS_E2E_TARGET_LINE'))
  local col = tonumber(os.getenv('DOCKERLS_E2E_TARGET_COL'))
  local params = { textDocument = { uri = vim.uri_from_bufnr(cbuf) }, position = { line = line, character = col } }
  local result, err = request(cbuf, 'textDocument/definition', params)
  r.request_error = err or vim.NIL
  r.dockerfile_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false) -- as the server has it
  r.locations = {}
  if result and result ~= vim.NIL then
    if result.uri or result.targetUri then
      result = { result }
    end
    for _, loc in ipairs(result) do
      r.locations[#r.locations + 1] = {
        uri = loc.uri or loc.targetUri,
        line = (loc.range or loc.targetSelectionRange).start.line,
        character = (loc.range or loc.targetSelectionRange).start.character,
      }
    end
  end
  -- hover on the same target: the stage it builds
  local hover = request(cbuf, 'textDocument/hover', params)
  r.hover = vim.NIL
  if type(hover) == 'table' and type(hover.contents) == 'table' then
    r.hover = hover.contents.value or vim.NIL
  end
  -- the typo's "did you mean" is a quick fix, asked for with the diagnostic as the client has it
  r.action_titles, r.action_texts = {}, {}
  for _, d in ipairs(vim.diagnostic.get(cbuf)) do
    local original = d.user_data and d.user_data.lsp
    if tostring(d.code) == 'UnknownBuildTarget' and original then
      local actions = request(cbuf, 'textDocument/codeAction', {
        textDocument = { uri = vim.uri_from_bufnr(cbuf) },
        range = original.range,
        context = { diagnostics = { original } },
      })
      for _, a in ipairs(type(actions) == 'table' and actions or {}) do
        r.action_titles[#r.action_titles + 1] = a.title
        local changes = a.edit and a.edit.changes and a.edit.changes[vim.uri_from_bufnr(cbuf)] or {}
        for _, e in ipairs(changes) do
          r.action_texts[#r.action_texts + 1] = e.newText
        end
      end
    end
  end
end)

write_result()
if client then
  client:stop(true)
end
vim.cmd('qa!')
