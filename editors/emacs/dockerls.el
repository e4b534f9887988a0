;;; dockerls.el --- Eglot setup for the dockerls Dockerfile language server  -*- lexical-binding: t; -*-

;; SPDX-License-Identifier: MIT
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))

;;; Commentary:

;; Registers dockerls (`dockerls serve', PyPI `dockerfile-language-server') with Eglot for
;; `dockerfile-mode' (MELPA / Debian elpa-dockerfile-mode) and `dockerfile-ts-mode'
;; (Emacs 29+), ahead of Eglot's built-in `docker-langserver' entry.
;;
;;   (add-to-list 'load-path "/path/to/dockerls/editors/emacs")
;;   (require 'dockerls)
;;   (add-hook 'dockerfile-mode-hook #'eglot-ensure)
;;   (add-hook 'dockerfile-ts-mode-hook #'eglot-ensure)
;;
;; Compose and Bake files open in `dockerls-compose-mode' and `dockerls-bake-mode' (YAML,
;; HCL or JSON editing as the installed modes give it) and go to the same server, which answers
;; only for the builds there: a `target:' naming no stage, unused `args', definition,
;; completion and references.  Add the hooks to start Eglot there too:
;;
;;   (add-hook 'dockerls-compose-mode-hook #'eglot-ensure)
;;   (add-hook 'dockerls-bake-mode-hook #'eglot-ensure)
;;
;; Settings follow schemas/settings.schema.json.  They are sent as initializationOptions:
;;
;;   (setq dockerls-initialization-options
;;         '(:rules (:ignore ["DL3008"] :severity (:DL3006 "error"))
;;           :registry (:enabled :json-false)))
;;
;; and can be changed per project (answered to workspace/configuration) in .dir-locals.el:
;;
;;   ((dockerfile-mode
;;     . ((eglot-workspace-configuration
;;         . (:dockerls (:rules (:ignore ["DL3008"])))))))

;;; Code:

(require 'cl-lib)
(require 'eglot)

(defgroup dockerls nil
  "The dockerls Dockerfile language server."
  :group 'tools
  :prefix "dockerls-")

(defcustom dockerls-server-command nil
  "Command (a list of strings) that runs dockerls over stdio.
nil means `dockerls serve' when `dockerls' is on `exec-path', else
`python3 -m dockerls serve'."
  :type '(choice (const :tag "Automatic" nil) (repeat string)))

(defcustom dockerls-initialization-options nil
  "Settings sent as LSP initializationOptions.
A plist in the shape of schemas/settings.schema.json.  nil sends an
empty object, so the server uses its defaults."
  :type 'sexp)

(defun dockerls-server-command ()
  "The command that starts the server, resolved now."
  (or dockerls-server-command
      (if (executable-find "dockerls")
          '("dockerls" "serve")
        '("python3" "-m" "dockerls" "serve"))))

(defun dockerls--contact (_interactive)
  "Eglot contact for dockerls: the command plus initializationOptions."
  (append (dockerls-server-command)
          (list :initializationOptions
                (or dockerls-initialization-options (make-hash-table)))))

;; Compose and Bake files: modes of their own, derived from whatever edits YAML, HCL and
;; JSON here, so that dockerls attaches to them and not to every YAML, HCL or JSON file.
(defun dockerls--first-mode (&rest modes)
  "The first defined of MODES; the last one is the fallback."
  (or (cl-find-if #'fboundp (butlast modes)) (car (last modes))))

(defalias 'dockerls--compose-parent-mode (dockerls--first-mode 'yaml-mode 'text-mode))
(defalias 'dockerls--bake-parent-mode (dockerls--first-mode 'hcl-mode 'terraform-mode 'prog-mode))

(define-derived-mode dockerls-compose-mode dockerls--compose-parent-mode "Compose"
  "A Compose file, sent to dockerls for its builds.")

(define-derived-mode dockerls-bake-mode dockerls--bake-parent-mode "Bake"
  "A Bake file (HCL or JSON), sent to dockerls for its targets.")

(dolist (entry '(("/\\(?:docker-\\)?compose[^/]*\\.ya?ml\\'" . dockerls-compose-mode)
                 ("/docker-bake[^/]*\\.\\(?:hcl\\|json\\)\\'" . dockerls-bake-mode)))
  (add-to-list 'auto-mode-alist entry))

;; One server per project for all of them.  The Dockerfile modes report the LSP language id
;; `dockerfile' (Eglot would otherwise derive "dockerfile-ts" from the tree-sitter mode's name).
(add-to-list 'eglot-server-programs
             '(((dockerfile-mode :language-id "dockerfile")
                (dockerfile-ts-mode :language-id "dockerfile")
                (dockerls-compose-mode :language-id "dockercompose")
                (dockerls-bake-mode :language-id "dockerbake"))
               . dockerls--contact))

;; Containerfiles: dockerfile-mode only knows Dockerfile, Dockerfile.* and *.dockerfile.
(let ((mode (if (fboundp 'dockerfile-mode) 'dockerfile-mode 'dockerfile-ts-mode)))
  (dolist (re '("/Containerfile\\(?:\\.[^/\\]*\\)?\\'" "\\.containerfile\\'"))
    (add-to-list 'auto-mode-alist (cons re mode))))

(provide 'dockerls)
;;; dockerls.el ends here
