-- Filetype detection that Neovim 0.11 lacks: `*.containerfile` (Dockerfile, Containerfile,
-- *.dockerfile, Dockerfile.* and Containerfile.* are built in).
vim.filetype.add({
  extension = { containerfile = 'dockerfile' },
})
