---@brief
--- dockerls: a Dockerfile language server and linter written in Python
--- (PyPI `dockerfile-language-server`, command `dockerls`).
---
--- The name is `dockerls_py`, not `dockerls`: nvim-lspconfig's `lsp/dockerls.lua` is
--- rcjsuen's `docker-langserver`, and Neovim merges every `lsp/<name>.lua` of the same name on
--- the runtimepath, so sharing the name would mix the two servers' settings.
---
--- ```lua
--- vim.lsp.enable('dockerls_py')
--- vim.lsp.enable('dockerls', false) -- if nvim-lspconfig's dockerls was enabled elsewhere
--- ```
---
--- Compose and Bake files are sent too (filetypes `yaml.docker-compose`, `hcl.docker-bake`,
--- `json.docker-bake`, set by plugin/dockerls_py.lua): there the server answers only for the
--- builds (a `target:` naming no stage, unused `args`, definition, completion, references).
---
--- Settings use the tree of schemas/settings.schema.json. The server reads them from
--- `init_options` at start-up and from `settings.dockerls` (workspace/configuration) afterwards:
--- ```lua
--- vim.lsp.config('dockerls_py', {
---   settings = {
---     dockerls = {
---       rules = { ignore = { 'DL3008' }, severity = { DL3006 = 'error' } },
---       registry = { enabled = false },
---     },
---   },
--- })
--- ```
---@type vim.lsp.Config
return {
  -- Falls back to `python3 -m dockerls serve` when the `dockerls` script is not on PATH.
  cmd = vim.fn.executable('dockerls') == 1 and { 'dockerls', 'serve' }
    or { 'python3', '-m', 'dockerls', 'serve' },
  filetypes = { 'dockerfile', 'yaml.docker-compose', 'hcl.docker-bake', 'json.docker-bake' },
  root_markers = {
    'Dockerfile',
    'Containerfile',
    'compose.yaml',
    'compose.yml',
    'docker-compose.yaml',
    'docker-compose.yml',
    'docker-bake.hcl',
    'docker-bake.json',
    '.git',
  },
  -- vim.empty_dict(): an empty Lua table would be sent as a JSON array.
  -- Empty means "schema defaults"; the server validates the tree and reports bad values.
  init_options = vim.empty_dict(),
  settings = { dockerls = vim.empty_dict() },
  -- Unless init_options was set explicitly, send `settings.dockerls` as initializationOptions
  -- too, so the first lint already uses the user's settings.
  before_init = function(params, config)
    local opts = params.initializationOptions
    local tree = config.settings and config.settings.dockerls
    local unset = opts == nil or opts == vim.NIL or (type(opts) == 'table' and next(opts) == nil)
    if unset and type(tree) == 'table' and next(tree) ~= nil then
      params.initializationOptions = tree
    end
  end,
}
