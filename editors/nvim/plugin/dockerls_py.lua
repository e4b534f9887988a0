-- Filetype detection that Neovim 0.11 lacks: `*.containerfile` (Dockerfile, Containerfile,
-- *.dockerfile, Dockerfile.* and Containerfile.* are built in), and Compose and Bake files as
-- compound filetypes (YAML, HCL and JSON stay their syntax and plugins; dockerls attaches to
-- these alone, not to every YAML, HCL or JSON file).
vim.filetype.add({
  extension = { containerfile = 'dockerfile' },
  pattern = {
    ['.*/compose[^/]*%.ya?ml'] = 'yaml.docker-compose',
    ['.*/docker%-compose[^/]*%.ya?ml'] = 'yaml.docker-compose',
    ['.*/docker%-bake[^/]*%.hcl'] = 'hcl.docker-bake',
    ['.*/docker%-bake[^/]*%.json'] = 'json.docker-bake',
  },
})
