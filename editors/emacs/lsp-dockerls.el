;;; lsp-dockerls.el --- lsp-mode client for the dockerls Dockerfile language server  -*- lexical-binding: t; -*-

;; SPDX-License-Identifier: MIT
;; Package-Requires: ((emacs "28.1") (lsp-mode "8.0") (eglot "1.9"))

;;; Commentary:

;; Registers dockerls with lsp-mode for `dockerfile-mode' and `dockerfile-ts-mode', ahead of
;; lsp-mode's own `dockerfile-ls' client (rcjsuen's docker-langserver).  The command and the
;; initializationOptions are the ones dockerls.el defines for Eglot
;; (`dockerls-server-command', `dockerls-initialization-options'), so one setting serves both.
;;
;;   (add-to-list 'load-path "/path/to/dockerls/editors/emacs")
;;   (require 'lsp-dockerls)
;;   (add-hook 'dockerfile-mode-hook #'lsp-deferred)
;;   (add-hook 'dockerls-compose-mode-hook #'lsp-deferred)   ; Compose and Bake files
;;   (add-hook 'dockerls-bake-mode-hook #'lsp-deferred)

;;; Code:

(require 'lsp-mode)
(require 'dockerls)

(add-to-list 'lsp-language-id-configuration '(dockerfile-ts-mode . "dockerfile"))
;; dockerls.el's modes for Compose and Bake files (the server answers for their builds)
(add-to-list 'lsp-language-id-configuration '(dockerls-compose-mode . "dockercompose"))
(add-to-list 'lsp-language-id-configuration '(dockerls-bake-mode . "dockerbake"))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection #'dockerls-server-command)
  :activation-fn (lsp-activate-on "dockerfile" "dockercompose" "dockerbake")
  :priority 1
  :server-id 'dockerls
  :initialization-options (lambda () (or dockerls-initialization-options (make-hash-table)))))

(provide 'lsp-dockerls)
;;; lsp-dockerls.el ends here
