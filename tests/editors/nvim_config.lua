-- Prints the resolved `dockerls_py` config as JSON (for test_nvim_e2e.py::test_config_file).
-- Run as: nvim --headless --clean --cmd "set rtp^=<editors/nvim>" -l nvim_config.lua
local cfg = vim.lsp.config.dockerls_py
local function mirrored(settings, init_options)
  local params = { initializationOptions = init_options }
  cfg.before_init(params, { settings = settings })
  return params.initializationOptions
end
local tree = { rules = { ignore = { 'DL3008' } } }
io.stdout:write(vim.json.encode({
  cmd = cfg.cmd,
  filetypes = cfg.filetypes,
  root_markers = cfg.root_markers,
  init_options = cfg.init_options,
  settings = cfg.settings,
  mirrored_from_settings = mirrored({ dockerls = tree }, cfg.init_options),
  explicit_init_options_kept = mirrored({ dockerls = tree }, { format = { enabled = false } }),
  empty_settings = mirrored({ dockerls = vim.empty_dict() }, vim.empty_dict()),
  containerfile_filetype = vim.filetype.match({ filename = 'app.containerfile' }) or vim.NIL,
  dockerfile_dot_filetype = vim.filetype.match({ filename = 'Dockerfile.dev' }) or vim.NIL,
  build_file_filetypes = {
    compose = vim.filetype.match({ filename = '/w/compose.yaml' }) or vim.NIL,
    compose_override = vim.filetype.match({ filename = '/w/docker-compose.override.yml' }) or vim.NIL,
    bake = vim.filetype.match({ filename = '/w/docker-bake.hcl' }) or vim.NIL,
    bake_json = vim.filetype.match({ filename = '/w/docker-bake.override.json' }) or vim.NIL,
    other_yaml = vim.filetype.match({ filename = '/w/values.yaml' }) or vim.NIL,
  },
}))
io.stdout:write('\n')
